"""Kept public pages: one query to serve, new content at once, nothing of one visitor shared."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_migrate
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.urls import path
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from confide.practice import page_cache
from confide.practice.models import Article, Clinician, FaqItem, Modality, Page, Practice, Tag
from confide.practice.page_cache import (
    STAMP_KEY,
    KeptPage,
    Memo,
    content_changed,
    public_content_models,
    shared_page,
)
from confide.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db

KEPT_PAGES = [
    "/",
    "/about/",
    "/faq/",
    "/approaches/",
    "/approaches/clinical-hypnosis/",
    "/articles/",
    "/articles/what-shame-is/",
    "/articles/tag/shame/",
    "/leaving-this-site/",
]


def _csp_nonce(response: Any) -> str:
    found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert found, response.headers["Content-Security-Policy"]
    return found.group(1)


def _without_nonce(response: Any) -> str:
    html: str = response.content.decode()
    if "nonce" in response.headers["Content-Security-Policy"]:
        html = html.replace(_csp_nonce(response), "")
    return html


def _served_kept(client: Client, url: str) -> bool:
    """GET ``url`` and return True if the page came from the kept copy, without rendering."""
    with mock.patch.object(KeptPage, "response", autospec=True, side_effect=KeptPage.response) as r:
        client.get(url)
    return r.called


def _kept(client: Client, url: str) -> bool:
    """GET ``url`` and return True if the page was rendered and kept for others."""
    with mock.patch.object(page_cache.memo, "put", wraps=page_cache.memo.put) as put:
        client.get(url)
    return put.called


@pytest.mark.parametrize("url", KEPT_PAGES)
def test_a_kept_page_costs_one_query(
    client: Client, demo: None, django_assert_num_queries: DjangoAssertNumQueries, url: str
) -> None:
    first = client.get(url)
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.status_code == 200
    assert again["Content-Type"] == first["Content-Type"]
    assert _without_nonce(again) == _without_nonce(first)


def test_each_visitor_gets_a_nonce_of_their_own_in_the_page_and_its_header(demo: None) -> None:
    nonces = []
    for _ in range(3):
        response = Client().get("/faq/")
        nonce = _csp_nonce(response)
        scripts = re.findall(r"<script[^>]*>", response.content.decode())
        assert f'<script type="application/ld+json" nonce="{nonce}">' in scripts
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_a_page_without_an_inline_script_gets_no_nonce(client: Client, demo: None) -> None:
    client.get("/approaches/")
    response = client.get("/approaches/")
    assert "nonce" not in response.headers["Content-Security-Policy"]
    assert "nonce" not in response.content.decode()


def test_the_query_string_is_neither_kept_nor_canonical(
    client: Client, demo: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.get("/articles/")
    with django_assert_num_queries(1):
        html = client.get("/articles/?utm_source=newsletter").content.decode()
    assert '<link rel="canonical" href="http://testserver/articles/">' in html
    assert "utm_source" not in html


def _change_page() -> str:
    home = Page.objects.get(kind=Page.Kind.HOME)
    home.title = "A calm new welcome"
    home.save()
    return "A calm new welcome"


def _change_article() -> str:
    article = Article.objects.get(slug="what-shame-is")
    article.title = "Shame, looked at kindly"
    article.save()
    return "Shame, looked at kindly"


def _publish_article() -> str:
    Article.objects.create(
        title="A brand new article",
        slug="brand-new",
        summary="New.",
        body="Words.",
        status=Article.Status.PUBLISHED,
    )
    return "A brand new article"


def _change_modality() -> str:
    modality = Modality.objects.get(slug="clinical-hypnosis")
    modality.summary = "A focused, relaxed state, always under your own control."
    modality.save()
    return "always under your own control"


def _change_clinician() -> str:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    clinician.credentials = "LCSW-R"
    clinician.save()
    return "LCSW-R"


def _add_clinician_approach() -> str:
    modality = Modality.objects.create(
        name="Sandtray",
        slug="sandtray",
        summary="s",
        what_it_is="w",
        session_like="s",
        who_it_helps="w",
    )
    Clinician.objects.get(slug="hannah-brenner").modalities.add(modality)
    return 'href="/approaches/sandtray/"'


def _tag_article() -> str:
    tag = Tag.objects.create(name="Gentleness", slug="gentleness")
    Article.objects.get(slug="what-shame-is").tags.add(tag)
    return 'href="/articles/tag/gentleness/"'


def _rename_tag() -> str:
    tag = Tag.objects.get(slug="shame")
    tag.name = "Feeling ashamed"
    tag.save()
    return "Feeling ashamed"


def _change_faq() -> str:
    item = FaqItem.objects.order_by("order").first()
    assert item is not None
    item.question = "Is it all right to be nervous?"
    item.save()
    return "Is it all right to be nervous?"


def _change_practice() -> str:
    practice = Practice.objects.get()
    practice.phone = "(212) 555-0177"
    practice.save()
    return "(212) 555-0177"


@pytest.mark.parametrize(
    ("url", "change"),
    [
        ("/", _change_page),
        ("/articles/", _change_article),
        ("/articles/what-shame-is/", _change_article),
        ("/", _publish_article),
        ("/articles/", _publish_article),
        ("/approaches/", _change_modality),
        ("/approaches/clinical-hypnosis/", _change_modality),
        ("/about/", _change_clinician),
        ("/articles/what-shame-is/", _change_clinician),
        ("/about/", _add_clinician_approach),
        ("/articles/what-shame-is/", _tag_article),
        ("/articles/", _rename_tag),
        ("/faq/", _change_faq),
        ("/leaving-this-site/", _change_practice),
        ("/articles/tag/shame/", _change_practice),
    ],
)
def test_a_change_to_the_content_shows_on_the_next_request(
    client: Client, demo: None, url: str, change: Callable[[], str]
) -> None:
    before = client.get(url).content.decode()
    assert _served_kept(client, url)
    shown = change()
    assert shown not in before
    assert shown in client.get(url).content.decode()


def test_a_deleted_article_is_gone_at_once(client: Client, demo: None) -> None:
    assert client.get("/articles/what-shame-is/").status_code == 200
    client.get("/articles/")
    Article.objects.get(slug="what-shame-is").delete()
    assert client.get("/articles/what-shame-is/").status_code == 404
    assert "/articles/what-shame-is/" not in client.get("/articles/").content.decode()


def test_a_removed_relation_is_gone_at_once(client: Client, demo: None) -> None:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    modality = clinician.modalities.get(slug="emdr")
    assert modality.get_absolute_url() in client.get("/about/").content.decode()
    clinician.modalities.remove(modality)
    assert modality.get_absolute_url() not in client.get("/about/").content.decode()


def test_every_model_of_the_app_marks_a_change() -> None:
    assert set(apps.get_app_config("practice").get_models()) == set(public_content_models())


def test_each_change_gives_a_stamp_never_seen_before(db: None) -> None:
    seen = set()
    for _ in range(5):
        content_changed()
        seen.add(cache.get(STAMP_KEY))
    assert len(seen) == 5


def test_migrate_gives_a_new_stamp(db: None) -> None:
    content_changed()
    before = cache.get(STAMP_KEY)
    practice = apps.get_app_config("practice")
    post_migrate.send(
        sender=practice, app_config=practice, verbosity=0, interactive=False, using="default"
    )
    assert cache.get(STAMP_KEY) != before


def test_a_page_writes_the_stamp_when_there_is_none(client: Client, demo: None) -> None:
    cache.delete(STAMP_KEY)
    client.get("/")
    stamp = cache.get(STAMP_KEY)
    assert isinstance(stamp, str)
    assert _served_kept(client, "/")
    assert cache.get(STAMP_KEY) == stamp


def test_a_scheduled_article_appears_when_its_time_comes(client: Client, demo: None) -> None:
    now = timezone.now()
    Article.objects.create(
        title="Out at noon",
        slug="out-at-noon",
        summary="Soon.",
        body="Words.",
        status=Article.Status.PUBLISHED,
        published_at=now + dt.timedelta(minutes=5),
    )
    assert "Out at noon" not in client.get("/articles/").content.decode()
    assert _served_kept(client, "/articles/")
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(minutes=6)):
        assert "Out at noon" in client.get("/articles/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_change_made_on_another_connection_shows_at_once(client: Client) -> None:
    from confide.demo.loading import demo_load

    demo_load(password="demo-password-for-tests")
    assert "Edited elsewhere" not in client.get("/faq/").content.decode()
    assert _served_kept(client, "/faq/")

    def edit() -> None:
        # Another thread has its own database connection, as another server would.
        try:
            item = FaqItem.objects.order_by("order").first()
            assert item is not None
            item.question = "Edited elsewhere?"
            item.save()
        finally:
            connection.close()

    editor = threading.Thread(target=edit)
    editor.start()
    editor.join()
    assert "Edited elsewhere?" in client.get("/faq/").content.decode()


def test_a_signed_in_user_gets_a_page_rendered_for_them_and_never_kept(
    demo: None,
    signed_in: Callable[..., Client],
    owner: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    staff = signed_in(owner)
    content_changed()
    for _ in range(2):
        with mock.patch.object(page_cache, "current_stamps") as stamp:
            assert not _kept(staff, "/")
        stamp.assert_not_called()
    # Nothing was kept from the pages rendered for staff: the first visitor renders it.
    assert _kept(Client(), "/")
    assert _served_kept(Client(), "/")
    assert not _served_kept(staff, "/")


def _csrf_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(Template("<form>{% csrf_token %}</form>").render(RequestContext(request)))


def _messages_page(request: HttpRequest) -> HttpResponse:
    template = Template("{% for m in messages %}<p>{{ m }}</p>{% endfor %}")
    return HttpResponse(template.render(RequestContext(request)))


def _private_page(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("<p>Only for you</p>")
    response["Cache-Control"] = "private"
    return response


def _leave_message(request: HttpRequest) -> HttpResponse:
    messages.info(request, "A note for one visitor.")
    return HttpResponse("noted")


# Before the site's own, whose fixed pages would take any one-word address.
urlpatterns = [
    path("csrf/", shared_page(_csrf_page)),
    path("messages/", shared_page(_messages_page)),
    path("private/", shared_page(_private_page)),
    path("leave-message/", _leave_message),
    *site_urlpatterns,
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/csrf/", "/private/"])
def test_a_page_with_anything_of_the_visitor_is_never_kept(db: None, url: str) -> None:
    first, second = Client(), Client()
    assert not _kept(first, url)
    assert not _served_kept(second, url)
    if url == "/csrf/":
        tokens = [
            re.findall(r'value="([^"]+)"', c.get(url).content.decode()) for c in (first, second)
        ]
        assert all(tokens)
        assert tokens[0] != tokens[1]
        assert "csrftoken" in second.cookies


@pytest.mark.urls(__name__)
def test_a_page_that_showed_a_visitors_message_is_never_kept(db: None) -> None:
    visitor = Client()
    visitor.get("/leave-message/")
    assert "A note for one visitor." in visitor.get("/messages/").content.decode()
    assert "A note for one visitor." not in Client().get("/messages/").content.decode()


def test_the_memo_keeps_only_the_most_recently_used_pages() -> None:
    memo = Memo(2)
    page = KeptPage(("x",), "text/html", None)
    memo.put(("s", "a"), page)
    memo.put(("s", "b"), page)
    assert memo.get(("s", "a")) is page
    memo.put(("s", "c"), page)
    assert len(memo) == 2
    assert memo.get(("s", "b")) is None
    assert memo.get(("s", "a")) is page


def test_head_gets_the_kept_page_headers(client: Client, demo: None) -> None:
    client.get("/about/")
    response = client.head("/about/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
