"""The public site's pages: home, approaches, articles, tags, fixed pages, leaving, robots."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from confide.practice.models import Article, Clinician, FaqItem, Modality, Page, Practice, Tag
from confide.practice.page_cache import shared_page
from confide.practice.schema import article_schema, faq_schema, practice_schema


def _page(kind: str) -> Page | None:
    return Page.objects.filter(kind=kind).first()


def _clinicians() -> list[Clinician]:
    return list(Clinician.objects.filter(listed=True).prefetch_related("modalities"))


@require_safe
@shared_page
def home(request: HttpRequest) -> HttpResponse:
    practice = Practice.load()
    context = {
        "page": _page(Page.Kind.HOME),
        "modalities": Modality.objects.filter(published=True),
        "articles": Article.objects.published()[:3],
        "clinicians": _clinicians(),
        "schema": practice_schema(request, practice),
    }
    return render(request, "practice/home.html", context)


@require_safe
@shared_page
def page(request: HttpRequest, kind: str) -> HttpResponse:
    if kind == Page.Kind.HOME or kind not in Page.Kind.values:
        raise Http404("No such page")
    practice = Practice.load()
    found = _page(kind)
    if found is None and kind not in {Page.Kind.FAQ, Page.Kind.CONTACT}:
        raise Http404("This page has not been written yet")
    # The questions and the contact details stand on their own before any text is written.
    context: dict[str, object] = {"page": found or Page(kind=kind, title=Page.Kind(kind).label)}
    if kind == Page.Kind.ABOUT:
        context["clinicians"] = _clinicians()
        context["schema"] = practice_schema(request, practice)
    elif kind == Page.Kind.WORK_WITH:
        context["clinicians"] = _clinicians()
    elif kind == Page.Kind.FAQ:
        items = list(FaqItem.objects.all())
        context["faq_items"] = items
        context["schema"] = faq_schema(items)
    elif kind == Page.Kind.CONTACT:
        context["schema"] = practice_schema(request, practice)
    return render(request, f"practice/page_{kind.replace('-', '_')}.html", context)


@require_safe
@shared_page
def modality_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "practice/modality_list.html",
        {"modalities": Modality.objects.filter(published=True)},
    )


@require_safe
@shared_page
def modality_detail(request: HttpRequest, slug: str) -> HttpResponse:
    modality = get_object_or_404(Modality, slug=slug, published=True)
    return render(request, "practice/modality_detail.html", {"modality": modality})


@require_safe
@shared_page
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().prefetch_related("tags")
    tags = Tag.objects.filter(articles__in=Article.objects.published()).distinct()
    return render(request, "practice/article_list.html", {"articles": articles, "tags": tags})


@require_safe
@shared_page
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=tag).prefetch_related("tags")
    return render(request, "practice/article_list.html", {"articles": articles, "tag": tag})


@require_safe
@shared_page
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published().select_related("author").prefetch_related("tags"), slug=slug
    )
    context = {"article": article, "schema": article_schema(request, article)}
    return render(request, "practice/article_detail.html", context)


@require_safe
@shared_page
def leaving(request: HttpRequest) -> HttpResponse:
    return render(request, "practice/leaving.html")


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /office/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
