"""Sending, answering, flags and follow-ups, sharing; who may see what, in office and portal."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.audit.models import AuditEvent
from confide.clients.models import Client, Person
from confide.measures import services
from confide.measures.models import MeasureFlag, MeasureRequest, MeasureResponse
from confide.measures.tasks import send_measure_link
from confide.notifications.tests.factories import FORBIDDEN_WORDS, words_outside_links
from confide.office.tests.factories import therapist_user
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in

NOW = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)
SECRET = "CANARY-MEASURE-7c1e work has been busy lately"


def _send(client: Client, person: Person, code: str = "phq9") -> MeasureRequest:
    return services.measure_send(
        client=client, person=person, code=code, actor=AnonymousUser(), now=timezone.now(),
        request=None,
    )  # fmt: skip


def _answers(count: int, value: int = 1, **overrides: int) -> dict[str, str]:
    data = {f"item{n}": str(value) for n in range(1, count + 1)}
    data.update({key: str(v) for key, v in overrides.items()})
    return data


def test_a_portal_person_answers_and_it_is_scored_and_sealed(person: Person) -> None:
    browser = portal_signed_in(person)
    ask = _send(person.client, person)
    assert ask.expires_at is None  # in the portal, no link
    page = browser.get(reverse("portal:measures:list"))
    assert reverse("portal:measures:answer", args=[ask.uid]) in page.content.decode()
    form = browser.get(reverse("portal:measures:answer", args=[ask.uid])).content.decode()
    assert "Little interest or pleasure in doing things" in form
    assert "Pfizer" in form
    response = browser.post(
        reverse("portal:measures:answer", args=[ask.uid]),
        _answers(9, 1, item9=0) | {"comment": SECRET},
    )
    assert response.status_code == 302
    saved = MeasureResponse.objects.get(request=ask)
    assert (saved.total, saved.band) == (8, "Mild")
    assert saved.comment == SECRET
    assert not saved.flags.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_sealed, comment_sealed FROM measures_measureresponse")
        row = cursor.fetchone()
    assert "busy" not in " ".join(row)
    assert '"item1"' not in row[0]
    done = browser.get(response["Location"]).content.decode()
    assert "Your answers were sent" in done
    assert "crisis-panel" not in done
    # Answered once: the form is gone.
    assert browser.get(reverse("portal:measures:answer", args=[ask.uid])).status_code == 404


def test_item_9_above_zero_shows_the_panel_and_flags_today(
    person: Person, signed_in: Callable[..., Browser]
) -> None:
    browser = portal_signed_in(person)
    ask = _send(person.client, person)
    response = browser.post(
        reverse("portal:measures:answer", args=[ask.uid]), _answers(9, 0, item9=2), follow=True
    )
    page = response.content.decode()
    assert "crisis-panel" in page
    assert "988" in page
    assert "911" in page
    assert "detect" not in page.lower()
    flag = MeasureFlag.objects.get()
    assert (flag.reason, flag.item) == (MeasureFlag.Reason.ITEM, 9)

    office = signed_in(therapist_user())
    today = office.get(reverse("office:home")).content.decode()
    assert "Answers to look at first" in today
    assert "More than half the days" in today
    client_page = office.get(reverse("office:client", args=[person.client.uid])).content.decode()
    assert "Answers to look at first" in client_page

    posted = office.post(
        reverse("office:measure_follow_up", args=[flag.uid]),
        {"kind": "contacted", "note": "Called; we spoke for a while."},
    )
    assert posted.status_code == 302
    flag.refresh_from_db()
    assert flag.followed_up_at is not None
    assert flag.follow_up_note == "Called; we spoke for a while."
    assert "Answers to look at first" not in office.get(reverse("office:home")).content.decode()
    record = office.get(reverse("office:client_measures", args=[person.client.uid]))
    assert "Contacted the person" in record.content.decode()
    assert AuditEvent.objects.filter(target_type="measure_flag", action="change").exists()


def test_a_flagged_comment_raises_a_flag_shown_with_its_categories(
    person: Person, signed_in: Callable[..., Browser]
) -> None:
    browser = portal_signed_in(person)
    ask = _send(person.client, person, "gad7")
    response = browser.post(
        reverse("portal:measures:answer", args=[ask.uid]),
        _answers(7, 0) | {"comment": "some days I want to die"},
        follow=True,
    )
    portal_page = response.content.decode()
    assert "crisis-panel" in portal_page
    assert "Thoughts of dying" not in portal_page
    flag = MeasureFlag.objects.get()
    assert flag.reason == MeasureFlag.Reason.COMMENT

    office = signed_in(therapist_user())
    shown = (
        "A comment the screen flagged (Thoughts of dying or of suicide): some days I want to die"
    )
    for url in (reverse("office:home"), reverse("office:client", args=[person.client.uid])):
        assert shown in office.get(url).content.decode(), url
    answers = office.get(reverse("office:measure_response", args=[flag.response.uid]))
    html = answers.content.decode()
    assert "What was flagged:" in html
    assert "<li>Thoughts of dying or of suicide</li>" in html


def test_other_needs_a_note_and_a_flag_is_followed_up_once(person: Person) -> None:
    ask = _send(person.client, person)
    saved = services.response_save(
        ask=ask, answers={f"item{n}": 0 for n in range(1, 9)} | {"item9": 1}, comment="",
        now=NOW, request=None,
    )  # fmt: skip
    flag = saved.flags.get()
    with pytest.raises(ValidationError):
        services.flag_follow_up(
            flag=flag, kind="other", note=" ", actor=None, now=NOW, request=None
        )
    services.flag_follow_up(
        flag=flag, kind="safety_plan", note="", actor=None, now=NOW, request=None
    )
    with pytest.raises(ValidationError):
        services.flag_follow_up(
            flag=flag, kind="contacted", note="", actor=None, now=NOW, request=None
        )
    assert MeasureFlag.objects.filter(pk=flag.pk).exists()


def test_a_missing_answer_is_asked_for_and_nothing_is_saved(person: Person) -> None:
    browser = portal_signed_in(person)
    ask = _send(person.client, person)
    data = _answers(9, 1)
    del data["item4"]
    response = browser.post(reverse("portal:measures:answer", args=[ask.uid]), data)
    assert response.status_code == 400
    assert "Choose the answer that fits best." in response.content.decode()
    assert not MeasureResponse.objects.exists()


def test_a_person_without_the_portal_gets_a_one_time_link(
    person: Person, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ask = _send(person.client, person)
    assert ask.expires_at is not None
    token = ask.link
    assert ask.token_hash == services.token_hash(token)
    # A second send while it waits is the same request.
    assert _send(person.client, person).pk == ask.pk
    (result,) = DBTaskResult.objects.filter(task_path="confide.measures.tasks.send_measure_link")
    assert str(ask.pk) in str(result.args_kwargs)
    assert token not in str(result.args_kwargs)
    outcome = send_measure_link.func(
        type("Context", (), {"task_result": type("R", (), {"id": "t1"})()})(), ask.pk
    )
    assert outcome == "sent"
    ask.refresh_from_db()
    assert ask.link_sealed == ""
    message = mail.outbox[-1]
    words = words_outside_links(message.subject + " " + message.body)
    for word in FORBIDDEN_WORDS:
        assert word not in words
    assert "phq" not in words
    link = reverse("measure_link", args=[token])
    assert link in message.body

    anyone = Browser()
    page = anyone.get(link)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    done = anyone.post(link, _answers(9, 0, item9=1))
    assert "crisis-panel" in done.content.decode()
    assert anyone.get(link).status_code == 404
    assert anyone.post(link, _answers(9, 0)).status_code == 410
    assert MeasureResponse.objects.count() == 1


def test_an_expired_or_unknown_link_opens_nothing(person: Person) -> None:
    ask = _send(person.client, person)
    token = ask.link
    MeasureRequest.objects.filter(pk=ask.pk).update(expires_at=timezone.now())
    assert Browser().get(reverse("measure_link", args=[token])).status_code == 404
    assert Browser().get(reverse("measure_link", args=["x" * 43])).status_code == 404


def test_csi4_is_for_couples_and_each_partner_answers_alone(person: Person, couple: Client) -> None:
    with pytest.raises(ValidationError):
        _send(person.client, person, "csi4")
    alex, jordan = person_of(couple, 0), person_of(couple, 1)
    ask = _send(couple, alex, "csi4")
    # Jordan's portal does not show or open Alex's.
    jordan_browser = portal_signed_in(jordan)
    assert jordan_browser.get(reverse("portal:measures:answer", args=[ask.uid])).status_code == 404
    alex_browser = portal_signed_in(alex)
    alex_browser.post(
        reverse("portal:measures:answer", args=[ask.uid]),
        {"item1": "3", "item2": "3", "item3": "2", "item4": "2"},
    )
    saved = MeasureResponse.objects.get()
    assert (saved.total, saved.band) == (10, "Notable relationship dissatisfaction")
    done = reverse("portal:measures:done", args=[saved.uid])
    assert jordan_browser.get(done).status_code == 404


def test_person_a_never_sees_person_bs_measures(person: Person) -> None:
    other = person_of(client_make(("Riley Park", "riley@example.org")))
    ask = _send(person.client, person)
    services.response_save(
        ask=ask, answers={f"item{n}": 2 for n in range(1, 10)}, comment="", now=NOW, request=None
    )
    services.share_set(
        client=person.client, code="phq9", shared=True, actor=None, now=NOW, request=None
    )
    mine = portal_signed_in(person).get(reverse("portal:measures:list")).content.decode()
    assert "<svg" in mine
    assert "<td>18</td>" in mine
    theirs = portal_signed_in(other).get(reverse("portal:measures:list")).content.decode()
    assert "<svg" not in theirs
    assert "<td>18</td>" not in theirs
    saved = MeasureResponse.objects.get()
    assert (
        portal_signed_in(other).get(reverse("portal:measures:done", args=[saved.uid])).status_code
        == 404
    )


def test_the_trend_shows_only_when_shared(person: Person) -> None:
    ask = _send(person.client, person)
    services.response_save(
        ask=ask, answers={f"item{n}": 1 for n in range(1, 10)}, comment="", now=NOW, request=None
    )
    page = portal_signed_in(person).get(reverse("portal:measures:list")).content.decode()
    assert "<svg" not in page


def test_the_office_page_draws_the_trend_with_a_table(
    person: Person, signed_in: Callable[..., Browser]
) -> None:
    for value, day in ((2, 1), (1, 15)):
        ask = _send(person.client, person)
        services.response_save(
            ask=ask, answers={f"item{n}": value for n in range(1, 10)}, comment="",
            now=NOW.replace(day=day), request=None,
        )  # fmt: skip
    office = signed_in(therapist_user())
    page = office.get(reverse("office:client_measures", args=[person.client.uid]))
    html = page.content.decode()
    assert 'role="img"' in html
    assert html.count('class="point"') == 2
    assert "<td>18</td>" in html
    assert "<td>9</td>" in html
    assert "Moderately severe" in html
    assert AuditEvent.objects.filter(target_type="client_measures", action="view").exists()


@pytest.mark.parametrize("who", ["practice_manager", "colleague"])
def test_a_manager_sees_only_what_is_due_and_another_clinician_sees_nothing(
    who: str, person: Person, signed_in: Callable[..., Browser], request: Any
) -> None:
    user: User = request.getfixturevalue(who)
    client = person.client
    ask = _send(client, person)
    saved = services.response_save(
        ask=ask, answers={f"item{n}": 0 for n in range(1, 9)} | {"item9": 3}, comment=SECRET,
        now=NOW, request=None,
    )  # fmt: skip
    now = timezone.now()
    for code, rhythm in (("gad7", {"every_weeks": 4}), ("pcl5", {"every_sessions": 3})):
        services.schedule_set(
            client=client, code=code, every_sessions=rhythm.get("every_sessions"),
            every_weeks=rhythm.get("every_weeks"), actor=AnonymousUser(), now=now, request=None,
        )  # fmt: skip
    office = signed_in(user)
    expected = 403 if who == "practice_manager" else 404
    for url in (
        reverse("office:client_measures", args=[client.uid]),
        reverse("office:measure_response", args=[saved.uid]),
    ):
        assert office.get(url).status_code == expected
    posted = office.post(
        reverse("office:measure_follow_up", args=[saved.flags.get().uid]), {"kind": "contacted"}
    )
    assert posted.status_code == expected
    today = office.get(reverse("office:home")).content.decode()
    assert "Answers to look at first" not in today
    assert "busy" not in today
    if who != "practice_manager":
        return
    page = office.get(reverse("office:client", args=[client.uid])).content.decode()
    tz = zoneinfo.ZoneInfo(client.clinician.time_zone)

    def day(moment: dt.datetime) -> str:
        local = moment.astimezone(tz)
        return f"{local:%b} {local.day}"

    heading = '<section aria-labelledby="questionnaires-heading">'
    section = re.search(heading + r"(.*?)</section>", page, re.S)
    assert section is not None
    lines = [" ".join(li.split()) for li in re.findall(r"<li>(.*?)</li>", section.group(1), re.S)]
    assert lines == [
        f"A questionnaire is waiting for Sam Rivera (sent {day(now)}).",
        f"Another questionnaire is due {day(now + dt.timedelta(weeks=4))}.",
        "Another questionnaire is due after 3 more sessions.",
    ]
    assert 'id="measures-heading"' not in page
    assert "Answers to look at first" not in page
    for word in (
        "PHQ", "GAD", "PCL", "CSI", "Patient Health", "Anxiety", "Trauma", "score", "Severe",
        "Item 9", "better off dead", "busy", "flagged", "follow-up", "measure_response",
        "/measures/",
    ):  # fmt: skip
        assert word.lower() not in page.lower(), word


def test_a_comment_that_is_not_flagged_says_so_and_never_safe(
    person: Person, signed_in: Callable[..., Browser]
) -> None:
    ask = _send(person.client, person, "gad7")
    saved = services.response_save(
        ask=ask, answers={f"item{n}": 1 for n in range(1, 8)}, comment=SECRET, now=NOW,
        request=None,
    )  # fmt: skip
    assert not saved.flags.exists()
    office = signed_in(therapist_user())
    html = office.get(reverse("office:measure_response", args=[saved.uid])).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert f"Their comment Not flagged. {SECRET}" in text
    assert not re.search(r"\bsafe\b", text, re.I)
    assert "What was flagged" not in text


def test_a_flagged_comment_is_never_called_not_flagged(
    person: Person, signed_in: Callable[..., Browser]
) -> None:
    ask = _send(person.client, person, "gad7")
    saved = services.response_save(
        ask=ask, answers={f"item{n}": 0 for n in range(1, 8)}, comment="I want to die",
        now=NOW, request=None,
    )  # fmt: skip
    office = signed_in(therapist_user())
    html = office.get(reverse("office:measure_response", args=[saved.uid])).content.decode()
    assert "Not flagged" not in html
    assert "What was flagged:" in html


def test_a_pcl5_shows_its_clusters_and_whether_the_pattern_is_met(
    person: Person, signed_in: Callable[..., Browser]
) -> None:
    ask = _send(person.client, person, "pcl5")
    answers = {f"item{n}": 0 for n in range(1, 21)} | {f"item{n}": 3 for n in (2, 7, 10, 11)}
    saved = services.response_save(
        ask=ask, answers=answers | {"item17": 2, "item20": 4}, comment="", now=NOW, request=None
    )
    office = signed_in(therapist_user())
    html = office.get(reverse("office:measure_response", args=[saved.uid])).content.decode()
    text = unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))
    assert "DSM-5 symptom clusters" in text
    assert "B. Intrusions 1\u20135 3 1 (the rule needs 1)" in text
    assert "C. Avoidance 6\u20137 3 1 (the rule needs 1)" in text
    assert "D. Negative changes in thinking and mood 8\u201314 6 2 (the rule needs 2)" in text
    assert "E. Changes in arousal and reactivity 15\u201320 6 2 (the rule needs 2)" in text
    assert "The answers meet the DSM-5 symptom pattern" in text
    assert "not a diagnosis" in text
    # Another measure has no clusters.
    other = _send(person.client, person, "gad7")
    gad = services.response_save(
        ask=other, answers={f"item{n}": 1 for n in range(1, 8)}, comment="", now=NOW,
        request=None,
    )  # fmt: skip
    assert "DSM-5" not in office.get(reverse("office:measure_response", args=[gad.uid])).text
