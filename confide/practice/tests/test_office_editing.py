"""The therapist edits the practice in the office; bad input gets a message, never an error."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from PIL import Image

from confide.practice.models import Article, Clinician, FaqItem, Modality, Page, Practice, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client: Client, demo: None, owner: User) -> Client:
    client.force_login(owner)
    return client


def _practice_form(**changes: str) -> dict[str, str]:
    data = {
        "name": "Brenner Psychotherapy",
        "tagline": "",
        "phone": "(212) 555-0147",
        "email": "office@example.org",
        "time_zone": "America/New_York",
        "address": "88 Larkin Place",
        "telehealth": "on",
        "telehealth_note": "",
        "crisis_number": "988",
        "crisis_line_name": "the 988 Suicide & Crisis Lifeline",
        "crisis_chat_url": "https://988lifeline.org/",
        "emergency_number": "911",
        "response_note": "Messages are not read around the clock.",
        "cancellation_policy": "",
        "leave_url": "https://www.weather.gov/",
        "cancellation_window_hours": "24",
        "retention_years": "7",
        "first_reminder_hours": "48",
        "second_reminder_hours": "2",
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "08:00",
        "agenda_time": "07:00",
        "draft_limit_hours": "72",
        "sign_within_days": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"phone": "call me maybe"}, "Enter a phone number using digits"),
        ({"phone": "12"}, "Enter a phone number using digits"),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"time_zone": "Mars/Olympus_Mons"}, "Enter a time zone name such as America/New_York."),
        ({"address": ""}, "Enter the office address, or tick"),
        ({"leave_url": "http://www.weather.gov/"}, "Use an address that starts with https://."),
        ({"leave_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"crisis_chat_url": "ftp://988lifeline.org"}, "Use an address that starts with https://."),
        ({"emergency_number": "nine-one-one"}, "Enter a phone number using digits"),
        ({"name": "x" * 121}, "Ensure this value has at most 120 characters"),
    ],
)
def test_practice_profile_rejects_bad_input_with_a_message(
    office: Client, changes: dict[str, str], message: str
) -> None:
    before = model_to_dict(Practice.objects.get())
    response = office.post("/office/admin/practice/practice/1/change/", _practice_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert model_to_dict(Practice.objects.get()) == before


def test_practice_profile_saves_good_input_and_the_site_shows_it(office: Client) -> None:
    response = office.post(
        "/office/admin/practice/practice/1/change/",
        _practice_form(phone="(212) 555-0199", online_only="on", address=""),
    )
    assert response.status_code == 302
    assert Practice.objects.get().phone == "(212) 555-0199"
    html = office.get("/contact/").content.decode()
    assert '<a href="tel:+12125550199">(212) 555-0199</a>' in html
    assert "Online only" in html


def test_there_is_only_ever_one_practice_profile(office: Client) -> None:
    assert office.get("/office/admin/practice/practice/add/").status_code == 403
    assert (
        office.post("/office/admin/practice/practice/1/delete/", {"post": "yes"}).status_code == 403
    )
    assert Practice.objects.count() == 1


def _article_form(**changes: str) -> dict[str, str]:
    data = {
        "title": "A new article",
        "slug": "a-new-article",
        "summary": "A summary.",
        "body": "Some words.",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "author": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"slug": "has spaces!"}, "Enter a valid “slug”"),
        ({"slug": "what-shame-is"}, "Article with this Slug already exists."),
        ({"status": "secret"}, "Select a valid choice."),
        ({"published_at_0": "2026-02-31", "published_at_1": "09:00"}, "Enter a valid date."),
        ({"published_at_0": "2026-02-03", "published_at_1": "25:99"}, "Enter a valid time."),
        ({"author": "999999"}, "Select a valid choice."),
        ({"summary": "s" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_article_form_rejects_bad_input_with_a_message(
    office: Client, changes: dict[str, str], message: str
) -> None:
    count = Article.objects.count()
    response = office.post("/office/admin/practice/article/add/", _article_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.count() == count


def test_an_article_written_in_the_office_appears_on_the_site(office: Client) -> None:
    response = office.post("/office/admin/practice/article/add/", _article_form())
    assert response.status_code == 302
    page = office.get("/articles/a-new-article/")
    assert page.status_code == 200
    assert "Some words." in page.content.decode()


def test_hostile_markdown_saved_in_the_office_is_harmless_on_the_site(office: Client) -> None:
    body = (
        "Hello <script>document.title='owned'</script>\n\n"
        '<img src="https://evil.example.com/p.gif" onerror="alert(1)">\n\n'
        "[click](javascript:alert(2)) <a href='https://ok.example.org' onclick='alert(3)'>ok</a>"
    )
    office.post("/office/admin/practice/article/add/", _article_form(body=body))
    html = office.get("/articles/a-new-article/").content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "<script" not in main
    assert "evil.example.com" not in main
    assert "onerror" not in main
    assert "onclick" not in main
    assert "javascript:" not in main
    assert 'href="https://ok.example.org"' in main


def test_clinician_photo_must_be_an_image_with_a_description(office: Client) -> None:
    clinician = Clinician.objects.get()
    url = f"/office/admin/practice/clinician/{clinician.pk}/change/"
    data = {
        "name": clinician.name,
        "slug": clinician.slug,
        "credentials": "LCSW",
        "pronouns": "",
        "bio": "Bio",
        "license_number": "084317",
        "license_state": "NY",
        "license_verify_url": clinician.license_verify_url,
        "photo_description": "",
        "modalities": [str(m.pk) for m in Modality.objects.all()],
        "sees_individuals": "on",
        "accepting_new_clients": "on",
        "listed": "on",
        "order": "0",
    }
    fake = SimpleUploadedFile("me.jpg", b"not really a picture", content_type="image/jpeg")
    response = office.post(url, {**data, "photo": fake})
    assert response.status_code == 200
    assert "Upload a valid image." in response.content.decode()

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    png = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
    response = office.post(url, {**data, "photo": png})
    assert response.status_code == 200
    assert "Describe the photo in a few words." in response.content.decode()
    assert not Clinician.objects.get().photo

    for bad, message in [
        ({"license_state": "N1"}, "Use the two-letter state code"),
        ({"license_number": "08 43/17"}, "Use letters, digits and dashes only."),
        (
            {"sees_individuals": ""},
            "Choose whether this clinician sees individuals, couples or both.",
        ),
    ]:
        response = office.post(url, {**data, **bad})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Clinician.objects.get().license_state == "NY"


@pytest.mark.parametrize(
    ("url", "data", "message", "model"),
    [
        (
            "/office/admin/practice/page/add/",
            {"kind": "about", "title": "Again"},
            "Page with this Kind already exists.",
            Page,
        ),
        (
            "/office/admin/practice/page/add/",
            {"kind": "blog", "title": "T"},
            "Select a valid choice.",
            Page,
        ),
        (
            "/office/admin/practice/faqitem/add/",
            {"question": "", "answer": "a", "order": "1"},
            "This field is required.",
            FaqItem,
        ),
        (
            "/office/admin/practice/faqitem/add/",
            {"question": "q", "answer": "a", "order": "-1"},
            "greater than or equal to 0",
            FaqItem,
        ),
        (
            "/office/admin/practice/tag/add/",
            {"name": "shame", "slug": "shame"},
            "Tag with this Name already exists.",
            Tag,
        ),
        (
            "/office/admin/practice/modality/add/",
            {
                "name": "Art",
                "slug": "emdr",
                "summary": "s",
                "what_it_is": "a",
                "session_like": "b",
                "who_it_helps": "c",
                "order": "x",
            },
            "Enter a whole number.",
            Modality,
        ),
    ],
)
def test_other_office_forms_reject_bad_input_with_a_message(
    office: Client, url: str, data: dict[str, str], message: str, model: type
) -> None:
    count = model.objects.count()  # type: ignore[attr-defined]
    response = office.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert model.objects.count() == count  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "url",
    [
        # The office's own pages (/office/) are checked in confide/office/tests/test_access.py.
        "/office/admin/",
        "/office/admin/practice/practice/1/change/",
        "/office/admin/practice/article/",
        "/office/admin/practice/article/add/",
        "/office/admin/practice/clinician/",
    ],
)
def test_office_pages_need_a_staff_sign_in(
    client: Client, demo: None, stranger: User, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/office/admin/login/")
    client.force_login(stranger)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/office/admin/login/")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"retention_years": "0"}, "greater than or equal to 1"),
        ({"retention_years": "many"}, "Enter a whole number."),
        ({"cancellation_window_hours": "-1"}, "greater than or equal to 0"),
    ],
)
def test_policy_settings_reject_bad_input(
    office: Client, changes: dict[str, str], message: str
) -> None:
    response = office.post("/office/admin/practice/practice/1/change/", _practice_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
