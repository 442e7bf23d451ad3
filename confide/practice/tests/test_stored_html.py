"""Markdown is rendered when it is saved; showing a page reads the stored, sanitized HTML."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from confide.practice.models import Article, Clinician, FaqItem, Modality, Page, Practice
from confide.practice.tests.test_markdown import FORBIDDEN, HOSTILE

pytestmark = pytest.mark.django_db

# The most queries each page made when its Markdown moved into stored columns.
QUERY_BUDGETS = [
    ("/", 7),
    ("/articles/what-shame-is/", 3),
    ("/approaches/clinical-hypnosis/", 2),
    ("/book/hannah-brenner/consultation/?format=video", 3),
]


@pytest.fixture
def no_rendering() -> Iterator[None]:
    """Make any Markdown rendering fail loudly, so a page that renders on a read errors."""
    refuse = mock.Mock(side_effect=AssertionError("Markdown rendered while showing a page"))
    with (
        mock.patch("confide.practice.models.render_markdown", refuse),
        mock.patch("confide.practice.markdown.markdown_lib.markdown", refuse),
    ):
        yield


def test_the_guard_catches_a_render(demo: None, no_rendering: None) -> None:
    page = Page.objects.get(kind=Page.Kind.HOME)
    with pytest.raises(AssertionError, match="Markdown rendered"):
        page.save()


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("/", lambda: Page.objects.get(kind=Page.Kind.HOME).body_html),
        ("/articles/what-shame-is/", lambda: Article.objects.get(slug="what-shame-is").body_html),
        (
            "/approaches/clinical-hypnosis/",
            lambda: Modality.objects.get(slug="clinical-hypnosis").what_it_is_html,
        ),
        ("/about/", lambda: Clinician.objects.get(slug="hannah-brenner").bio_html),
        ("/faq/", lambda: FaqItem.objects.first().answer_html),  # type: ignore[union-attr]
        ("/fees/", lambda: Practice.load().cancellation_policy_html),
        ("/articles/", lambda: "min read"),
    ],
)
def test_pages_show_the_stored_html_without_rendering_markdown(
    client: Client, demo: None, no_rendering: None, url: str, stored: object
) -> None:
    html = stored()  # type: ignore[operator]
    assert html
    response = client.get(url)
    assert response.status_code == 200
    assert html in response.content.decode()


def test_saving_renders_each_markdown_field_into_its_column() -> None:
    modality = Modality.objects.create(
        name="Somatic work",
        slug="somatic-work",
        summary="s",
        what_it_is="## What",
        session_like="*slow*",
        who_it_helps="Fees & time",
    )
    modality.refresh_from_db()
    assert modality.what_it_is_html == "<h2>What</h2>"
    assert modality.session_like_html == "<p><em>slow</em></p>"
    assert modality.who_it_helps_html == "<p>Fees &amp; time</p>"


def test_editing_a_body_updates_its_stored_html(demo: None) -> None:
    page = Page.objects.get(kind=Page.Kind.HOME)
    page.body = "## Welcome back"
    page.save()
    assert Page.objects.get(pk=page.pk).body_html == "<h2>Welcome back</h2>"


def test_a_save_of_named_fields_stores_the_html_of_those_it_names(demo: None) -> None:
    article = Article.objects.get(slug="what-shame-is")
    article.body = " ".join(["word"] * 401)
    article.title = "Not saved"
    article.save(update_fields=["body"])
    stored = Article.objects.get(pk=article.pk)
    assert stored.body_html.startswith("<p>word word")
    assert stored.word_count == 401
    assert stored.reading_minutes() == 3
    assert stored.title != "Not saved"


def test_a_save_that_leaves_markdown_alone_renders_nothing(demo: None, no_rendering: None) -> None:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    clinician.calendar_token_replace()
    assert Clinician.objects.get(pk=clinician.pk).bio_html == clinician.bio_html


@pytest.mark.parametrize("source", HOSTILE)
def test_stored_html_keeps_nothing_that_could_run_or_load(source: str) -> None:
    article = Article.objects.create(title="Hostile", slug="hostile", summary="s", body=source)
    faq = FaqItem.objects.create(question="Hostile?", answer=source)
    for html in (
        Article.objects.get(pk=article.pk).body_html.lower(),
        FaqItem.objects.get(pk=faq.pk).answer_html.lower(),
    ):
        for needle in FORBIDDEN:
            assert needle not in html, f"{needle!r} survived in {html!r}"


@pytest.mark.parametrize(("url", "budget"), QUERY_BUDGETS)
def test_public_pages_keep_their_query_count(
    client: Client,
    demo: None,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    url: str,
    budget: int,
) -> None:
    client.get(url)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


BEFORE = [("practice", "0003_retention")]


@pytest.fixture(autouse=True)
def _every_table_back() -> Iterator[None]:
    """Leave the database at every app's last migration, even when a test fails halfway."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


AFTER = [("practice", "0004_markdown_html")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_renders_the_markdown_of_existing_rows() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old_page = old.get_model("practice", "Page").objects.create(
        kind="about", title="About", body="## About *me*"
    )
    old_article = old.get_model("practice", "Article").objects.create(
        title="A", slug="a", summary="s", body="One <script>alert(1)</script> two"
    )
    old.get_model("practice", "FaqItem").objects.create(question="Q?", answer="[x](javascript:y)")
    old.get_model("practice", "Practice").objects.create(
        pk=1, name="P", phone="555-0100", email="p@example.org", cancellation_policy="**24 h**"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    page = new.get_model("practice", "Page").objects.get()
    assert page.body_html == "<h2>About <em>me</em></h2>"
    assert page.updated_at == old_page.updated_at
    article = new.get_model("practice", "Article").objects.get()
    assert article.body_html == "<p>One  two</p>"
    assert article.word_count == 2
    assert article.updated_at == old_article.updated_at
    assert "javascript:" not in new.get_model("practice", "FaqItem").objects.get().answer_html
    practice = new.get_model("practice", "Practice").objects.get()
    assert practice.cancellation_policy_html == "<p><strong>24 h</strong></p>"

    # Every app's last migration: going back unapplied other apps' migrations that depend on
    # a later practice migration, and their tables must be there for the tests after this one.
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
