"""The sitemap of the public site: pages, approaches, articles and tags."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from confide.practice.models import Article, Modality, Page, Tag


class PageSitemap(Sitemap[Page]):
    def items(self) -> QuerySet[Page]:
        return Page.objects.all()

    def lastmod(self, item: Page) -> datetime:
        return item.updated_at


class StaticSitemap(Sitemap[str]):
    def items(self) -> list[str]:
        return ["practice:modalities", "practice:articles", "practice:leaving"]

    def location(self, item: str) -> str:
        return reverse(item)


class ModalitySitemap(Sitemap[Modality]):
    def items(self) -> QuerySet[Modality]:
        return Modality.objects.filter(published=True)


class ArticleSitemap(Sitemap[Article]):
    def items(self) -> QuerySet[Article]:
        return Article.objects.published()

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class TagSitemap(Sitemap[Tag]):
    def items(self) -> QuerySet[Tag]:
        return Tag.objects.filter(articles__in=Article.objects.published()).distinct()


SITEMAPS = {
    "pages": PageSitemap,
    "site": StaticSitemap,
    "approaches": ModalitySitemap,
    "articles": ArticleSitemap,
    "tags": TagSitemap,
}
