"""Settings for reminders, messages, staff and the website: each page, its saves, its refusals."""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zoneinfo
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from confide.accounts.models import StaffProfile
from confide.accounts.services import staff_uid
from confide.accounts.testing import sign_in
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.notifications.events import Event
from confide.notifications.models import OutboxMessage, Reminder
from confide.notifications.reminders import REPLANNED_AWAY
from confide.notifications.services import appointment_notify
from confide.notifications.tests.factories import appointment_make, new_york
from confide.practice.models import Article, FaqItem, Page, Practice
from confide.practice.page_cache import STAMP_KEY

pytestmark = pytest.mark.usefixtures("demo")
SignedIn = Callable[..., Client]
Status = Reminder.Status
NOW = new_york("2027-03-10 12:00")
H = dt.timedelta(hours=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    return NOW


def _book(start: dt.datetime, *, at: dt.datetime = NOW, texts: bool = False) -> Reminder | None:
    appointment = appointment_make(start=start)
    if texts:
        consultation = appointment.consultation
        assert consultation is not None
        consultation.phone, consultation.may_text = "(212) 555-0123", True
        consultation.time_zone = "America/New_York"
        consultation.save()
    with transaction.atomic():
        appointment_notify(appointment=appointment, event=Event.BOOKED, now=at)
    return Reminder.objects.filter(appointment=appointment).first()


def _rows(start: dt.datetime) -> list[tuple[str, int, dt.datetime, str]]:
    return [
        (r.channel, (r.offset_minutes or 0) // 60, r.send_at, r.status)
        for r in Reminder.objects.filter(appointment__start=start).order_by(
            "offset_minutes", "channel", "status"
        )
    ]


def _reminder_form(**changes: object) -> dict[str, object]:
    practice = Practice.load()
    data: dict[str, object] = {
        "first_reminder_hours": practice.first_reminder_hours,
        "second_reminder_hours": practice.second_reminder_hours,
        "quiet_hours_start": f"{practice.quiet_hours_start:%H:%M}",
        "quiet_hours_end": f"{practice.quiet_hours_end:%H:%M}",
        "agenda_time": f"{practice.agenda_time:%H:%M}",
    }
    return {**data, **changes}


def _said(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


# Reminders and quiet hours -----------------------------------------------------------------

REMINDERS = "/office/settings/reminders/"


@pytest.mark.usefixtures("clock")
def test_new_reminder_times_replan_the_reminders_not_yet_sent_and_say_how_many(
    signed_in: SignedIn, owner: User
) -> None:
    later = new_york("2027-03-18 14:00")
    sooner = new_york("2027-03-11 20:00")
    _book(later)
    _book(sooner, at=NOW - 48 * H)
    # The sooner one's first reminder already went out: it stays exactly as it was.
    sent = Reminder.objects.get(appointment__start=sooner, offset_minutes=48 * 60)
    Reminder.objects.filter(pk=sent.pk).update(status=Status.SENT, sent_at=sent.send_at)
    assert _rows(later) == [
        ("email", 2, later - 2 * H, "pending"),
        ("email", 48, later - 48 * H, "pending"),
    ]

    response = signed_in(owner).post(
        REMINDERS, _reminder_form(first_reminder_hours=24), follow=True
    )

    # The later one: 48 hours is no longer planned, 24 is; the 2-hour one had nothing to change.
    assert _rows(later) == [
        ("email", 2, later - 2 * H, "pending"),
        ("email", 24, later - 24 * H, "pending"),
        ("email", 48, later - 48 * H, "cancelled"),
    ]
    # The sooner one: its sent reminder is untouched, and it gets the 24-hour one too.
    assert _rows(sooner) == [
        ("email", 2, sooner - 2 * H, "pending"),
        ("email", 24, sooner - 24 * H, "pending"),
        ("email", 48, sooner - 48 * H, "sent"),
    ]
    assert Reminder.objects.get(pk=sent.pk).sent_at == sent.send_at
    assert "Saved. 3 reminders not yet sent now follow the new times." in _said(response)
    assert Practice.load().first_reminder_hours == 24
    assert AuditEvent.objects.filter(summary__startswith="changed the reminder settings").exists()


@pytest.mark.usefixtures("clock")
def test_a_reminder_planned_away_comes_back_when_its_time_returns(
    signed_in: SignedIn, owner: User
) -> None:
    later = new_york("2027-03-18 14:00")
    _book(later)
    client = signed_in(owner)
    client.post(REMINDERS, _reminder_form(first_reminder_hours=24))
    assert Reminder.objects.get(offset_minutes=48 * 60).outcome == REPLANNED_AWAY

    response = client.post(REMINDERS, _reminder_form(first_reminder_hours=48), follow=True)

    assert _rows(later) == [
        ("email", 2, later - 2 * H, "pending"),
        ("email", 24, later - 24 * H, "cancelled"),
        ("email", 48, later - 48 * H, "pending"),
    ]
    assert "Saved. 2 reminders not yet sent now follow the new times." in _said(response)


@pytest.mark.usefixtures("clock")
def test_new_quiet_hours_move_texts_waiting_for_them(signed_in: SignedIn, owner: User) -> None:
    start = new_york("2027-03-18 09:00")
    _book(start, texts=True)
    # The 2-hour text is due at 7:00, in quiet hours until 8:00.
    text = Reminder.objects.get(channel="text", offset_minutes=120)
    assert text.send_at == new_york("2027-03-18 08:00")

    response = signed_in(owner).post(
        REMINDERS, _reminder_form(quiet_hours_end="06:30"), follow=True
    )

    text.refresh_from_db()
    assert (text.send_at, text.status) == (new_york("2027-03-18 07:00"), Status.PENDING)
    assert Reminder.objects.get(channel="email", offset_minutes=120).send_at == new_york(
        "2027-03-18 07:00"
    )
    assert "Saved. 1 reminder not yet sent now follows the new times." in _said(response)


@pytest.mark.usefixtures("clock")
def test_a_reminder_a_worker_is_sending_is_left_to_the_worker(
    signed_in: SignedIn, owner: User
) -> None:
    start = new_york("2027-03-18 14:00")
    _book(start)
    claimed = Reminder.objects.get(offset_minutes=48 * 60)
    Reminder.objects.filter(pk=claimed.pk).update(status=Status.SENDING, claimed_by="w1")

    signed_in(owner).post(REMINDERS, _reminder_form(first_reminder_hours=24))

    claimed.refresh_from_db()
    assert (claimed.status, claimed.claimed_by, claimed.send_at) == (
        Status.SENDING,
        "w1",
        start - 48 * H,
    )


def test_the_reminders_page_shows_the_settings(signed_in: SignedIn, practice_manager: User) -> None:
    response = signed_in(practice_manager).get(REMINDERS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Quiet hours for text messages" in html
    assert 'name="first_reminder_hours"' in html


def test_bad_reminder_settings_are_explained_and_nothing_changes(
    signed_in: SignedIn, owner: User
) -> None:
    response = signed_in(owner).post(
        REMINDERS, _reminder_form(first_reminder_hours=999, quiet_hours_start="late")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter at most 336 hours (two weeks)." in html
    assert "Enter a time like 21:00." in html
    assert Practice.load().first_reminder_hours == 48


def test_a_clinician_cannot_change_reminder_settings(signed_in: SignedIn, colleague: User) -> None:
    client = signed_in(colleague)
    assert client.get(REMINDERS).status_code == 403
    assert client.post(REMINDERS, _reminder_form(first_reminder_hours=1)).status_code == 403
    assert Practice.load().first_reminder_hours == 48


# Messages ----------------------------------------------------------------------------------

MESSAGES = "/office/settings/messages/"


@pytest.mark.usefixtures("clock")
def test_failed_messages_are_listed_with_what_failed_and_can_be_tried_again(
    signed_in: SignedIn, practice_manager: User
) -> None:
    reminder = _book(new_york("2027-03-18 14:00"))
    assert reminder is not None
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Status.FAILED, attempts=5, outcome="Gave up after 5 attempts: SMTP 451"
    )
    client = signed_in(practice_manager)

    html = client.get(MESSAGES).content.decode()

    assert "Gave up after 5 attempts: SMTP 451" in html
    # The appointment's time in the practice's zone, and no recipient's address or words.
    assert "Thu, Mar 18, 2:00 PM" in html
    assert "zq@example.org" not in html
    assert "CANARY" not in html

    response = client.post(
        reverse("office:settings_message_retry"), {"reminder": str(reminder.pk)}, follow=True
    )

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Status.PENDING, 0)
    assert "1 message will be tried again within a minute." in _said(response)


def test_the_outbox_lists_messages_in_the_practices_zone_and_opens_each(
    signed_in: SignedIn, owner: User
) -> None:
    message = OutboxMessage.objects.create(
        from_email="office@example.org",
        to="zq@example.org",
        subject="Your appointment on Thu, Mar 18",
        text="See you then.\nhttps://example.org/office/account/password/reset/key/7-abc-def/",
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=dt.datetime(2027, 3, 10, 3, 30, tzinfo=dt.UTC)
    )
    client = signed_in(owner)

    listing = client.get(MESSAGES).content.decode()
    assert "Your appointment on Thu, Mar 18" in listing
    # 03:30 UTC is 10:30 PM the evening before in New York.
    assert "Mar 9, 2027, 10:30 PM" in listing

    detail = client.get(reverse("office:settings_outbox_message", args=[message.pk]))
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "See you then." in text
    assert "Tuesday, March 9, 2027, 10:30 PM" in text
    # A link to choose a password is for its recipient alone.
    assert "7-abc-def" not in text
    assert "link hidden here" in text


def test_the_messages_pages_are_not_for_clinicians(signed_in: SignedIn, colleague: User) -> None:
    message = OutboxMessage.objects.create(from_email="a@example.org", to="b@example.org")
    client = signed_in(colleague)
    assert client.get(MESSAGES).status_code == 403
    assert (
        client.get(reverse("office:settings_outbox_message", args=[message.pk])).status_code == 403
    )
    assert (
        client.post(reverse("office:settings_message_retry"), {"reminder": "all"}).status_code
        == 403
    )


def test_the_audit_log_shows_times_in_the_practices_zone(signed_in: SignedIn, owner: User) -> None:
    event = audit_record(
        request=None, actor=owner, action=AuditEvent.Action.CHANGE, target_type="practice",
        target_uid=uuid.uuid4(), client_uid=None, summary="a change",
    )  # fmt: skip
    client = signed_in(owner)
    local = timezone.localtime(event.at, timezone=zoneinfo.ZoneInfo("America/New_York"))

    html = client.get(reverse("office:audit")).content.decode()

    assert "Times in Eastern Time (New York)." in html
    assert f"{local:%Y-%m-%d %H:%M:%S}" in html


# Staff -------------------------------------------------------------------------------------

STAFF = "/office/settings/staff/"


def _invite(**changes: str) -> dict[str, str]:
    return {
        "first_name": "Avery",
        "last_name": "Example",
        "email": "avery@example.org",
        "username": "avery",
        "role": "practice_manager",
        "clinician": "",
        **changes,
    }


def test_the_staff_page_lists_role_second_factor_and_last_sign_in(
    signed_in: SignedIn, owner: User, colleague: User, practice_manager: User
) -> None:
    User.objects.filter(pk=colleague.pk).update(
        last_login=dt.datetime(2027, 3, 10, 3, 30, tzinfo=dt.UTC)
    )

    html = signed_in(owner).get(STAFF).content.decode()

    assert "Clinician (Robin Ashdown)" in html
    assert "Practice manager" in html
    assert "Second factor set up" in html
    assert "Last signed in Mar 9, 2027, 10:30 PM" in html


def test_an_invitation_makes_the_account_and_emails_a_working_link(
    signed_in: SignedIn, owner: User
) -> None:
    mail.outbox.clear()

    response = signed_in(owner).post(STAFF, _invite(), follow=True)

    assert "Invitation sent to avery@example.org" in " ".join(_said(response))
    avery = User.objects.get(username="avery")
    assert not avery.has_usable_password()
    assert avery.staff_profile.role == StaffProfile.Role.PRACTICE_MANAGER
    assert avery.is_staff
    assert not avery.is_superuser
    assert [m.to for m in mail.outbox] == [["avery@example.org"]]
    body = str(mail.outbox[0].body)
    assert "Your username is avery" in body
    assert AuditEvent.objects.filter(
        target_uid=staff_uid(avery), summary="Invited as practice manager"
    ).exists()

    found = re.search(r"https?://\S+/password/reset/key/\S+/", body)
    assert found is not None
    person = Client()
    form = person.get(urlsplit(found.group(0)).path, follow=True)
    assert form.status_code == 200
    set_password = form.redirect_chain[-1][0] if form.redirect_chain else found.group(0)
    person.post(set_password, {"password1": "avery-chooses-42", "password2": "avery-chooses-42"})
    assert User.objects.get(pk=avery.pk).check_password("avery-chooses-42")


def test_an_invitation_with_a_taken_username_is_refused_next_to_the_field(
    signed_in: SignedIn, owner: User, colleague: User
) -> None:
    mail.outbox.clear()

    response = signed_in(owner).post(STAFF, _invite(username="colleague", role="clinician"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "This username is taken; choose another." in html
    assert "Choose the clinician profile of this clinician." in html
    assert mail.outbox == []
    assert not User.objects.filter(email="avery@example.org").exists()


@pytest.mark.parametrize("who", ["practice_manager", "colleague"])
def test_only_the_owner_manages_staff(
    signed_in: SignedIn, request: pytest.FixtureRequest, who: str, owner: User
) -> None:
    client = signed_in(request.getfixturevalue(who))
    assert client.get(STAFF).status_code == 403
    assert client.post(STAFF, _invite()).status_code == 403
    member = reverse("office:settings_staff_member", args=[owner.pk])
    assert client.post(member, {"role": "clinician"}).status_code == 403
    deactivate = reverse("office:settings_staff_action", args=[owner.pk, "deactivate"])
    assert client.post(deactivate).status_code == 403
    assert User.objects.get(pk=owner.pk).is_active
    assert not User.objects.filter(username="avery").exists()


def test_the_owner_changes_a_role(signed_in: SignedIn, owner: User, practice_manager: User) -> None:
    url = reverse("office:settings_staff_member", args=[practice_manager.pk])
    client = signed_in(owner)
    assert client.get(url).status_code == 200

    client.post(url, {"role": "owner", "clinician": ""})

    practice_manager.refresh_from_db()
    assert practice_manager.staff_profile.role == StaffProfile.Role.OWNER
    assert practice_manager.is_superuser
    assert AuditEvent.objects.filter(summary="Changed the role to owner").exists()

    bad = client.post(url, {"role": "clinician", "clinician": ""})
    assert bad.status_code == 400


def test_deactivating_ends_their_sessions(
    signed_in: SignedIn, owner: User, colleague: User
) -> None:
    theirs = sign_in(Client(), colleague)
    assert theirs.get("/office/").status_code == 200
    client = sign_in(Client(), owner, fresh_password=True)

    response = client.post(
        reverse("office:settings_staff_action", args=[colleague.pk, "deactivate"]), follow=True
    )

    assert not User.objects.get(pk=colleague.pk).is_active
    assert not Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert theirs.get("/office/").status_code == 302
    assert any("can no longer sign in" in m for m in _said(response))


def test_deactivating_asks_for_the_password_again(
    signed_in: SignedIn, owner: User, colleague: User
) -> None:
    response = signed_in(owner).post(
        reverse("office:settings_staff_action", args=[colleague.pk, "deactivate"])
    )

    assert response.status_code == 302
    assert User.objects.get(pk=colleague.pk).is_active


# The website -------------------------------------------------------------------------------


def _stamp() -> object:
    return cache.get(STAMP_KEY)


def test_the_website_page_lists_pages_questions_and_articles(
    signed_in: SignedIn, owner: User
) -> None:
    response = signed_in(owner).get("/office/settings/website/")

    assert response.status_code == 200
    html = response.content.decode()
    for label, _ in Page.Kind.choices:
        assert label.replace("'", "&#x27;") in html
    article = Article.objects.first()
    assert article is not None
    assert article.title in html


def test_saving_a_page_renders_it_and_renews_the_public_pages_stamp(
    signed_in: SignedIn, owner: User
) -> None:
    url = reverse("office:settings_website_page", args=["about"])
    client = signed_in(owner)
    assert client.get(url).status_code == 200
    before = _stamp()

    client.post(
        url, {"title": "About", "summary": "", "body": "## Hello\n\nA *new* text.", "save": "1"}
    )

    page = Page.objects.get(kind="about")
    assert "<em>new</em>" in page.body_html
    assert _stamp() != before
    assert "A new text." in Client().get("/about/").content.decode().replace("<em>", "").replace(
        "</em>", ""
    )


def test_a_preview_renders_the_public_page_without_saving(signed_in: SignedIn, owner: User) -> None:
    article = Article.objects.filter(status=Article.Status.PUBLISHED).first()
    assert article is not None
    url = reverse("office:settings_website_article", args=[article.pk])
    before, stamp = article.body, _stamp()

    response = signed_in(owner).post(
        url,
        {
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "body": "A paragraph only the preview has.",
            "author": "",
            "preview": "1",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>A paragraph only the preview has.</p>" in html
    assert "Preview, not saved." in html
    # The public article template, its calls to book included.
    assert 'class="wrap wrap--narrow article"' in html
    assert "no-store" in response["Cache-Control"]
    article.refresh_from_db()
    assert article.body == before
    assert _stamp() == stamp


def test_a_new_article_is_previewed_then_saved_as_a_draft_and_published(
    signed_in: SignedIn, owner: User
) -> None:
    client = signed_in(owner)
    data = {
        "title": "Small steps",
        "slug": "",
        "summary": "On starting.",
        "body": "Slowly.",
        "author": "",
    }

    preview = client.post("/office/settings/website/articles/new/", {**data, "preview": "1"})
    assert "<p>Slowly.</p>" in preview.content.decode()
    assert not Article.objects.filter(title="Small steps").exists()

    client.post("/office/settings/website/articles/new/", {**data, "save": "1"})
    article = Article.objects.get(slug="small-steps")
    assert article.status == Article.Status.DRAFT
    assert Client().get("/articles/small-steps/").status_code == 404

    client.post(
        reverse("office:settings_website_article_publish", args=[article.pk]), {"publish": "yes"}
    )
    assert Client().get("/articles/small-steps/").status_code == 200

    client.post(
        reverse("office:settings_website_article_publish", args=[article.pk]), {"publish": "no"}
    )
    assert Client().get("/articles/small-steps/").status_code == 404


def test_a_question_without_an_answer_is_refused(signed_in: SignedIn, owner: User) -> None:
    count = FaqItem.objects.count()

    response = signed_in(owner).post(
        "/office/settings/website/questions/new/",
        {"question": "Why?", "answer": "", "order": "0", "save": "1"},
    )

    assert response.status_code == 400
    assert FaqItem.objects.count() == count


@pytest.mark.parametrize("who", ["practice_manager", "colleague"])
def test_only_the_owner_edits_the_website(
    signed_in: SignedIn, request: pytest.FixtureRequest, who: str
) -> None:
    client = signed_in(request.getfixturevalue(who))
    page = reverse("office:settings_website_page", args=["about"])
    assert client.get("/office/settings/website/").status_code == 403
    assert client.post(page, {"title": "Taken", "body": "x", "save": "1"}).status_code == 403
    assert not Page.objects.filter(title="Taken").exists()


def test_every_website_change_is_in_the_audit_log(signed_in: SignedIn, owner: User) -> None:
    client = signed_in(owner)
    data = {"title": "Quiet hours", "slug": "", "summary": "S.", "body": "B.", "author": ""}
    about = Page.objects.get(kind="about")
    before = AuditEvent.objects.count()

    client.post(
        reverse("office:settings_website_page", args=["about"]),
        {"title": about.title, "summary": about.summary, "body": "Changed.", "save": "1"},
    )
    client.post("/office/settings/website/articles/new/", {**data, "save": "1"})
    article = Article.objects.get(slug="quiet-hours")
    client.post(
        reverse("office:settings_website_article_publish", args=[article.pk]), {"publish": "yes"}
    )
    client.post(
        "/office/settings/website/questions/new/",
        {"question": "Is parking near?", "answer": "Yes.", "order": "9", "save": "1"},
    )
    question = FaqItem.objects.get(question="Is parking near?")
    client.post(reverse("office:settings_website_question_delete", args=[question.pk]))

    events = list(AuditEvent.objects.order_by("sequence")[before:])
    assert [(e.action, e.target_type, e.summary) for e in events] == [
        ("change", "website page", "Changed: body"),
        ("create", "website article", "Added"),
        ("change", "website article", "Published"),
        ("create", "website question", "Added"),
        ("delete", "website question", "Removed"),
    ]
    assert all(e.actor == owner for e in events)
