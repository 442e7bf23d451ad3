"""Intake answers go through the crisis screen: help at once for the person, a flag for staff."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.urls import reverse

from confide.accounts.testing import sign_in
from confide.audit.models import AuditEvent
from confide.clients.models import Person
from confide.clients.screening import pattern_sources
from confide.intake import services
from confide.intake.models import Answer, AnswerFlag
from confide.intake.tests.conftest import NOW
from confide.portal.tests.helpers import portal_signed_in

pytestmark = pytest.mark.django_db
WORDS = "Honestly I keep thinking everyone would be better off without me."
ORDINARY = "I would like to understand why I feel so ashamed around my family."
PANEL = "You don't have to carry this alone."
HIDDEN = "<div data-intake-help hidden>"


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def _therapist() -> User:
    return User.objects.get(username="therapist")


def _office(user: User) -> Browser:
    return sign_in(Browser(), user)


def test_flagged_words_are_saved_and_raise_one_flag(person: Person) -> None:
    services.answers_save(person=person, data={"reason": WORDS}, now=NOW)

    assert services.answers_of(person)["reason"].text == WORDS
    flag = AnswerFlag.objects.get()
    assert (flag.person, flag.client, flag.question) == (person, person.client, "reason")
    assert flag.answer == Answer.objects.get(person=person, question="reason")
    assert flag.followed_up_at is None


def test_saving_the_same_words_again_raises_no_second_flag(person: Person) -> None:
    for _ in range(3):  # the page saves as the person types, and again on Save
        services.answers_save(person=person, data={"reason": WORDS}, now=NOW)
    assert AnswerFlag.objects.count() == 1

    flag = AnswerFlag.objects.get()
    services.answer_flag_follow_up(
        flag=flag, kind="contacted", note="", actor=_therapist(), now=NOW, request=None
    )
    services.answers_save(person=person, data={"reason": WORDS}, now=NOW)
    assert AnswerFlag.objects.count() == 1
    # New words that flag after a follow-up are new: they raise a new flag.
    services.answers_save(person=person, data={"reason": WORDS + " Still."}, now=NOW)
    assert AnswerFlag.objects.filter(followed_up_at__isnull=True).count() == 1


def test_ordinary_words_about_hard_feelings_raise_no_flag(person: Person) -> None:
    services.answers_save(
        person=person, data={"reason": ORDINARY, "prior_therapy": "Once, briefly."}, now=NOW
    )
    assert not AnswerFlag.objects.exists()
    assert services.answers_of(person)["reason"].text == ORDINARY


def test_the_person_sees_the_help_panel_at_once_after_saving(person: Person) -> None:
    browser = portal_signed_in(person)
    url = reverse("portal:intake:questionnaire")
    assert HIDDEN in _text(browser.get(url))

    response = browser.post(url, {"reason": WORDS, "save": "1"}, follow=True)

    page = _text(response)
    assert response.status_code == 200
    assert PANEL in page
    assert HIDDEN not in page
    assert "988" in page
    assert "detected" not in page.lower()
    assert all(source not in page for source in pattern_sources())
    assert AnswerFlag.objects.count() == 1


def test_save_and_go_back_shows_the_panel_on_the_paperwork_page(person: Person) -> None:
    browser = portal_signed_in(person)
    response = browser.post(
        reverse("portal:intake:questionnaire"), {"reason": WORDS, "done": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:intake:paperwork")
    assert PANEL in _text(response)

    browser.post(reverse("portal:intake:questionnaire"), {"reason": ORDINARY, "done": "1"})
    assert PANEL not in _text(browser.get(reverse("portal:intake:paperwork")))


def test_a_background_save_says_only_whether_to_show_help(person: Person) -> None:
    browser = portal_signed_in(person)
    url = reverse("portal:intake:questionnaire")

    flagged = browser.post(url, {"autosave": "1", "reason": WORDS})

    assert flagged.json() == {"saved": True, "help": True}
    assert AnswerFlag.objects.count() == 1
    calm = browser.post(url, {"autosave": "1", "reason": ORDINARY})
    assert calm.json() == {"saved": True, "help": False}


def test_the_flag_is_first_on_today_and_the_client_page_for_clinical_staff(
    person: Person, owner: User, practice_manager: User, colleague: User
) -> None:
    services.answers_save(person=person, data={"reason": WORDS}, now=NOW)
    client_url = reverse("office:client", args=[person.client.uid])

    for user in (owner, _therapist()):
        office = _office(user)
        today = _text(office.get(reverse("office:home")))
        assert "Flagged intake answers" in today
        assert WORDS in today
        assert "Thoughts of dying or of suicide" in today
        # Above everything else, the owner's notice that no backup was made included.
        assert today.index("Flagged intake answers") < today.index("New consultation requests")
        if user == owner:
            assert today.index("Flagged intake answers") < today.index("Backups need a look")
        page = _text(office.get(client_url))
        assert "Flagged intake answers" in page
        assert page.index("Flagged intake answers") < page.index("Intake paperwork")

    manager = _office(practice_manager)
    assert "Flagged intake answers" not in _text(manager.get(reverse("office:home")))
    manager_page = _text(manager.get(client_url))
    assert "Flagged intake answers" not in manager_page
    assert WORDS not in manager_page
    assert "Flagged intake answers" not in _text(_office(colleague).get(reverse("office:home")))


def test_a_follow_up_clears_today_but_stays_on_the_record(
    person: Person, practice_manager: User, colleague: User
) -> None:
    services.answers_save(person=person, data={"reason": WORDS}, now=NOW)
    flag = AnswerFlag.objects.get()
    url = reverse("office:intake_flag_follow_up", args=[flag.uid])
    prefix = f"flag{flag.pk}"
    data = {f"{prefix}-kind": "safety_plan", f"{prefix}-note": "Talked it through by phone."}

    assert _office(practice_manager).post(url, data).status_code == 403
    assert _office(colleague).post(url, data).status_code == 404
    office = _office(_therapist())
    missing = office.post(url, {f"{prefix}-kind": "other"}, follow=True)
    assert "Say briefly what you did." in _text(missing)
    response = office.post(url, data, follow=True)

    flag.refresh_from_db()
    assert flag.follow_up == "safety_plan"
    assert flag.follow_up_note == "Talked it through by phone."
    assert flag.followed_up_at is not None
    page = _text(response)
    assert "Follow-up recorded" in page
    assert "Reviewed the safety plan" in page
    therapist = _therapist()
    assert therapist.get_full_name()
    assert f"by {therapist.get_full_name()}:" in page
    assert "Flagged intake answers" not in _text(office.get(reverse("office:home")))
    assert AuditEvent.objects.filter(target_type="intake_flag", target_uid=flag.uid).exists()
    assert "Talked it through" not in str(
        AuditEvent.objects.filter(target_uid=flag.uid).values_list("summary", flat=True)
    )
