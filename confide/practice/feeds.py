"""The Atom feed of published articles."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from confide.practice.models import Article, Practice


class ArticleFeed(Feed[Article, None]):
    feed_type = Atom1Feed

    def title(self) -> str:
        return f"Articles from {Practice.load().name}"

    def link(self) -> str:
        return reverse("practice:articles")

    def subtitle(self) -> str:
        return Practice.load().tagline

    def items(self) -> QuerySet[Article]:
        return Article.objects.published().select_related("author")[:20]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.description()

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str | None:
        return item.author.name if item.author else None
