"""schema.org descriptions of the practice and its articles, for search engines."""

from __future__ import annotations

from django.http import HttpRequest

from confide.practice.markdown import html_text
from confide.practice.models import Article, FaqItem, Practice


def practice_schema(request: HttpRequest, practice: Practice) -> dict[str, object]:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "MedicalBusiness",
        "name": practice.name,
        "url": request.build_absolute_uri("/"),
        "telephone": practice.phone,
        "email": practice.email,
    }
    if practice.tagline:
        data["description"] = practice.tagline
    if not practice.online_only and practice.address.strip():
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(practice.address_lines()),
        }
    return data


def article_schema(request: HttpRequest, article: Article) -> dict[str, object]:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.description(),
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "dateModified": article.updated_at.isoformat(),
        "wordCount": article.word_count,
    }
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author.name}
    return data


def faq_schema(items: list[FaqItem]) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": html_text(item.answer_html)},
            }
            for item in items
        ],
    }
