"""The public pages: help and a way out, metadata, headers, articles, feed, sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from confide.practice.models import Article, Modality, Page, Practice, Tag

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/about/",
    "/who-i-work-with/",
    "/approaches/",
    "/approaches/clinical-hypnosis/",
    "/approaches/emdr/",
    "/approaches/somatic-experiencing/",
    "/articles/",
    "/articles/what-shame-is/",
    "/articles/shame-and-guilt/",
    "/articles/first-consultation/",
    "/articles/shame-in-couples/",
    "/articles/tag/shame/",
    "/fees/",
    "/faq/",
    "/contact/",
    "/leaving-this-site/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_shows_help_now_and_the_leave_control(
    client: Client, demo: None, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # Help now: numbers written out and linked.
    assert '<a href="tel:988"><strong>988</strong></a>' in html
    assert '<a href="sms:988"><strong>988</strong></a>' in html
    assert ">988lifeline.org</a>" in html
    assert '<a href="tel:911"><strong>911</strong></a>' in html
    assert "not read around the clock" in html
    # Leave control: a plain link to the neutral site, right after the skip link.
    skip = html.index('class="skip-link"')
    leave = html.index('class="leave-button" href="https://www.weather.gov/"')
    assert skip < leave
    assert not re.search(r"<a [^>]*href=[^>]*>", html[skip + 20 : leave])
    assert "Book a free consultation" in html


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_title_description_and_open_graph(
    client: Client, demo: None, url: str
) -> None:
    html = client.get(url).content.decode()
    title = re.search(r"<title>(.+?)</title>", html, re.S)
    assert title
    assert title.group(1).strip()
    description = re.search(r'<meta name="description" content="([^"]+)">', html)
    assert description
    assert len(description.group(1)) > 20
    for prop in ("og:title", "og:description", "og:type", "og:url", "og:site_name"):
        assert f'property="{prop}"' in html


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/no-such-page/", "/robots.txt", "/office/login/"])
def test_every_response_carries_the_security_headers(client: Client, demo: None, url: str) -> None:
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["script-src"].startswith("'self'")
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_it_shows_the_crisis_text_the_practice_sets(client: Client, demo: None) -> None:
    Practice.objects.update(
        crisis_number="1-800-555-0100",
        crisis_line_name="the county crisis line",
        emergency_number="112",
        response_note="Email is read on weekdays only.",
    )
    html = client.get("/").content.decode()
    assert '<a href="tel:18005550100"><strong>1-800-555-0100</strong></a>' in html
    assert "the county crisis line" in html
    assert '<a href="tel:112"><strong>112</strong></a>' in html
    assert "Email is read on weekdays only." in html


def test_home_links_to_each_approach_and_recent_articles(client: Client, demo: None) -> None:
    html = client.get("/").content.decode()
    for modality in Modality.objects.all():
        assert modality.get_absolute_url() in html
    assert "/articles/shame-in-couples/" in html


def test_about_page_gives_the_license_and_how_to_verify_it(client: Client, demo: None) -> None:
    html = client.get("/about/").content.decode()
    assert "NY license number 084317" in html
    assert "https://eservices.nysed.gov/professions/verification-search" in html
    assert "Hannah Brenner, LCSW" in html


def test_contact_page_links_phone_and_email(client: Client, demo: None) -> None:
    html = client.get("/contact/").content.decode()
    assert '<a href="tel:+12125550147">(212) 555-0147</a>' in html
    assert '<a href="mailto:office@example.org">office@example.org</a>' in html
    assert 'id="consultation"' in html


def test_contact_page_works_before_the_therapist_writes_it(client: Client, demo: None) -> None:
    Page.objects.filter(kind=Page.Kind.CONTACT).delete()
    assert client.get("/contact/").status_code == 200


def test_a_missing_fixed_page_is_a_friendly_404(client: Client, demo: None) -> None:
    Page.objects.filter(kind=Page.Kind.FEES).delete()
    response = client.get("/fees/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_unknown_address_gets_the_friendly_404_with_help(client: Client, demo: None) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can't find that page" in html
    assert "If you need help now" in html
    assert 'name="robots" content="noindex"' in html


def test_the_500_page_renders_without_the_database(client: Client) -> None:
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "Something went wrong on our side" in html
    assert '<a href="tel:988">' in html
    assert "Leave this site" in html


def test_draft_articles_are_not_public(client: Client, demo: None) -> None:
    Article.objects.create(title="Unfinished", slug="unfinished", summary="s", body="b")
    assert client.get("/articles/unfinished/").status_code == 404
    assert "Unfinished" not in client.get("/articles/").content.decode()
    assert "Unfinished" not in client.get("/articles/feed/").content.decode()
    assert "/articles/unfinished/" not in client.get("/sitemap.xml").content.decode()


def test_publishing_fills_in_the_date(demo: None) -> None:
    article = Article.objects.create(
        title="Now", slug="now", summary="s", body="b", status=Article.Status.PUBLISHED
    )
    assert article.published_at is not None


def test_article_page_shows_reading_time_and_tags(client: Client, demo: None) -> None:
    html = client.get("/articles/what-shame-is/").content.decode()
    assert re.search(r"\d+ min read", html)
    assert 'href="/articles/tag/shame/"' in html
    assert 'property="og:type" content="article"' in html


def test_tag_page_lists_only_that_tag(client: Client, demo: None) -> None:
    html = client.get("/articles/tag/couples/").content.decode()
    assert "/articles/shame-in-couples/" in html
    assert '/articles/shame-and-guilt/"' not in html
    assert client.get("/articles/tag/no-such-tag/").status_code == 404


def test_feed_is_atom_with_every_published_article(client: Client, demo: None) -> None:
    response = client.get(reverse("practice:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = {e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)}
    assert titles == set(Article.objects.published().values_list("title", flat=True))
    assert len(titles) == 4


def test_sitemap_lists_every_public_page(client: Client, demo: None) -> None:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    paths = {re.sub(r"^https?://[^/]+", "", loc.text or "") for loc in root.findall(".//s:loc", ns)}
    assert set(PUBLIC_PAGES) <= paths


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_office(client: Client) -> None:
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /office/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def _json_ld(html: str) -> list[dict[str, object]]:
    blocks = re.findall(
        r'<script type="application/ld\+json" nonce="[^"]*">(.+?)</script>', html, re.S
    )
    return [json.loads(b) for b in blocks]


def test_schema_org_describes_the_practice(client: Client, demo: None) -> None:
    (data,) = _json_ld(client.get("/").content.decode())
    assert data["@type"] == "MedicalBusiness"
    assert data["telephone"] == "(212) 555-0147"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "88 Larkin Place, Suite 4C, New York, NY 10011",
    }


def test_schema_org_describes_articles_and_questions(client: Client, demo: None) -> None:
    (article,) = _json_ld(client.get("/articles/shame-and-guilt/").content.decode())
    assert article["@type"] == "Article"
    assert article["author"] == {"@type": "Person", "name": "Hannah Brenner"}
    (faq,) = _json_ld(client.get("/faq/").content.decode())
    assert faq["@type"] == "FAQPage"
    assert len(faq["mainEntity"]) == 10  # type: ignore[arg-type]


def test_schema_org_cannot_be_closed_by_a_practice_name(client: Client, demo: None) -> None:
    Practice.objects.update(name="</script><script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)" not in html
    (data,) = _json_ld(html)
    assert data["name"] == "</script><script>alert(1)</script>"


def test_hostile_markdown_in_an_article_cannot_reach_the_page(client: Client, demo: None) -> None:
    Article.objects.create(
        title="Hostile",
        slug="hostile",
        summary="s",
        body="Hi <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
        status=Article.Status.PUBLISHED,
    )
    html = client.get("/articles/hostile/").content.decode()
    assert "alert(1)" not in html.split("</head>")[1].split("<script src")[0]
    assert "onerror" not in html
    assert "javascript:" not in html


def test_scripts_on_public_pages_are_only_our_own_or_carry_the_nonce(
    client: Client, demo: None
) -> None:
    response = client.get("/faq/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce
    html = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or f'nonce="{nonce.group(1)}"' in tag


def test_public_pages_only_answer_get_and_head(client: Client, demo: None) -> None:
    assert client.post("/about/").status_code == 405
    assert client.head("/about/").status_code == 200


def test_tags_without_published_articles_are_hidden(client: Client, demo: None) -> None:
    Tag.objects.create(name="Unused", slug="unused")
    assert "/articles/tag/unused/" not in client.get("/articles/").content.decode()
