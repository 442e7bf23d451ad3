"""A partner's log of who opened their record leaves out everything that is the other's alone."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.contrib.auth.models import User

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import Person
from confide.intake import services as intake
from confide.intake.models import AnswerFlag
from confide.measures import services as measures
from confide.measures.models import MeasureFlag
from confide.messaging import services as messaging
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in
from confide.records import services

pytestmark = pytest.mark.usefixtures("demo")
NOW = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)
WORDS = "Honestly I keep thinking everyone would be better off without me."


def _kai_things(owner: User) -> tuple[Person, Person]:
    """Give Kai a message, an answered measure and a flagged intake answer, handled by staff."""
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    messaging.message_send_by_staff(
        person=kai, user=owner, body="A word for Kai alone.", upload=None, request=None, now=NOW
    )
    ask = measures.measure_send(
        client=couple, person=kai, code="phq9", actor=owner, now=NOW, request=None
    )
    answers = {f"item{n}": 0 for n in range(1, 10)} | {"item9": 2}
    measures.response_save(ask=ask, answers=answers, comment="", now=NOW, request=None)
    measure_flag = MeasureFlag.objects.get(response__person=kai)
    measures.flag_follow_up(
        flag=measure_flag, kind="contacted", note="", actor=owner, now=NOW, request=None
    )
    intake.answers_save(person=kai, data={"reason": WORDS}, now=NOW)
    answer_flag = AnswerFlag.objects.get(person=kai)
    intake.answer_flag_follow_up(
        flag=answer_flag, kind="contacted", note="", actor=owner, now=NOW, request=None
    )
    return dana, kai


def test_a_partners_log_leaves_out_the_others_message_measure_and_intake_flag(
    owner: User,
) -> None:
    dana, kai = _kai_things(owner)
    kinds = set(
        AuditEvent.objects.filter(actor=owner).values_list("target_type", flat=True).distinct()
    )
    assert {"message", "measure_request", "measure_flag", "intake_flag"} <= kinds

    assert list(services.access_events(dana)) == []
    kais = {e.target_type for e in services.access_events(kai)}
    assert {"message", "measure_request", "measure_flag", "intake_flag"} <= kais

    text = html.unescape(portal_signed_in(dana).get("/portal/record/").content.decode())
    assert "Nobody in the practice has opened your record yet" in text
    assert "Added your record" not in text


def test_what_the_couple_shares_stays_in_both_logs(owner: User) -> None:
    dana, kai = _kai_things(owner)
    couple = dana.client
    messaging.message_send_by_staff(
        person=dana, user=owner, body="A word for Dana.", upload=None, request=None, now=NOW
    )
    audit_record(
        request=None,
        actor=owner,
        action="view",
        target_type="client",
        target_uid=couple.uid,
        client_uid=couple.uid,
    )
    danas = [e.target_type for e in services.access_events(dana)]
    assert sorted(danas) == ["client", "message"]
    assert "client" in {e.target_type for e in services.access_events(kai)}


def test_the_log_names_messages_and_questionnaires_in_plain_words(owner: User) -> None:
    _, kai = _kai_things(owner)

    text = html.unescape(portal_signed_in(kai).get("/portal/record/").content.decode())

    assert "Added a secure message" in text
    assert "Added a questionnaire" in text
    assert "Changed your questionnaire answers" in text
    assert "Changed your intake answers" in text
