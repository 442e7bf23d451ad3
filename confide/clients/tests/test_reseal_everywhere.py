"""reseal moves every sealed column of every app to the newest key, and misses none."""

from __future__ import annotations

import base64
import datetime as dt
import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models
from django.utils import timezone
from pytest_django.fixtures import Settings

from confide.billing.models import (
    Adjustment,
    BillingDetails,
    Charge,
    ClientFee,
    Diagnosis,
    Estimate,
    Statement,
)
from confide.clients import services
from confide.clients.management.commands.reseal import reseal_columns
from confide.clients.models import (
    Client,
    ConsultationRequest,
    Document,
    NoteAmendment,
    Person,
)
from confide.clients.sealed import SealedColumn
from confide.clients.services import PersonDetails
from confide.intake.models import (
    Answer,
    AnswerFlag,
    DocumentVersion,
    IntakeDocument,
    PacketItem,
    Signature,
)
from confide.keys.ring import keyring
from confide.lib.crypto import key_id_of, new_key, open_sealed_bytes, seal
from confide.measures.models import MeasureFlag, MeasureRequest, MeasureResponse
from confide.messaging.models import Attachment, Message, Thread
from confide.portal.models import PortalAccount, SignInCode, sign_in_secret_context
from confide.practice.models import Clinician
from confide.records.models import RecordRequest, RequestFlag

pytestmark = pytest.mark.django_db


# The apps whose every sealed column the round trip below fills with a value.
APPS = {"clients", "intake", "messaging", "records", "measures", "billing", "portal"}


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(new_key()).decode()}"


def _columns_named_sealed() -> set[tuple[str, str]]:
    """Return every concrete column whose name says it holds a sealed value."""
    return {
        (model._meta.label, field.attname)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.attname.endswith("_sealed")
    }


def test_reseal_knows_every_sealed_column_of_every_app() -> None:
    known = {(c.model._meta.label, c.column) for c in reseal_columns()}
    # A model that gains a sealed column must seal it with sealed_text or sealed_bytes, or
    # register it with sealed_column_register; otherwise an old key could never be retired.
    assert _columns_named_sealed() - known == set()
    assert known - _columns_named_sealed() == set()
    assert {label.split(".")[0] for label, _ in known} >= APPS


def _every_sealed_row(therapist: User, clinician: Clinician) -> dict[str, models.Model]:
    """Make one row with a value in every sealed column, sealed with the keys of the moment."""
    now = timezone.now()
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL, people=[PersonDetails(name="Avery Example")],
        display_name="Avery Example", clinician_id=clinician.pk, actor=therapist, request=None,
    )  # fmt: skip
    person = Person.objects.get(client=client)
    person.safe_times = "evenings"
    person.save()
    note = services.note_create(
        client=client, kind="progress", template="free", sections={"text": "kept"},
        author=therapist, request=None,
    )  # fmt: skip
    amendment = NoteAmendment(note=note, author=therapist)
    amendment.text = "one more thing"
    amendment.save()
    consultation = ConsultationRequest(clinician=clinician, name="R", email="r@example.org")
    consultation.note = "a note"
    consultation.preferred_times = "mornings"
    consultation.safe_times = "weekdays"
    consultation.close_reason = "found another practice"
    consultation.save()
    document = Document(client=client, title="Letter", content_type="application/pdf", size=3)
    document.data = b"%PD"
    document.save()

    document_kind = IntakeDocument.objects.get_or_create(kind=IntakeDocument.Kind.values[0])[0]
    version = DocumentVersion.objects.create(
        document=document_kind, number=99, title="Consent", body="Text."
    )
    item = PacketItem(client=client, person=person, document=document_kind, sent_at=now)
    item.details_json = json.dumps({"to": "a physician"})
    item.save()
    signature = Signature(
        item=item, person=person, version=version, typed_name="Avery Example", signed_at=now
    )
    signature.pdf = b"%PDF-signed"
    signature.save()
    answer = Answer(person=person, question="reason")
    answer.text = "what brings me in"
    answer.save()
    answer_flag = AnswerFlag(
        client=client, person=person, answer=answer, question="reason", raised_at=now,
        follow_up=AnswerFlag.FollowUp.OTHER,
    )  # fmt: skip
    answer_flag.follow_up_note = "talked it through"
    answer_flag.save()

    thread = Thread.objects.create(person=person)
    message = Message(
        thread=thread, sender=Message.Sender.PERSON, sent_at=now, flagged_at=now,
        follow_up=MeasureFlag.FollowUp.OTHER,
    )  # fmt: skip
    message.body = "hello"
    message.follow_up_note = "spoke on the phone"
    message.save()
    attachment = Attachment(message=message, content_type="text/plain", size=2)
    attachment.name = "list.txt"
    attachment.data = b"hi"
    attachment.save()

    ask = MeasureRequest(client=client, person=person, code="phq9", sent_at=now)
    ask.link = "token"
    ask.save()
    response = MeasureResponse(
        client=client, person=person, code="phq9", total=4, band="Minimal", answered_at=now
    )
    response.answers_json = json.dumps([0, 1, 0, 1, 0, 1, 0, 1, 0])
    response.comment = "a hard week"
    response.save()
    flag = MeasureFlag(
        client=client, response=response, reason=MeasureFlag.Reason.COMMENT, raised_at=now,
        follow_up=MeasureFlag.FollowUp.CONTACTED,
    )  # fmt: skip
    flag.follow_up_note = "called, doing alright"
    flag.save()

    record_request = RecordRequest(
        person=person, client=client, kind=RecordRequest.Kind.CORRECTION, created_at=now,
        answer_due=now + dt.timedelta(days=60),
    )  # fmt: skip
    record_request.what = "my date of birth"
    record_request.why = "it is wrong"
    record_request.answer = "corrected"
    record_request.save()
    request_flag = RequestFlag(
        client=client, person=person, request=record_request, raised_at=now,
        follow_up=AnswerFlag.FollowUp.OTHER,
    )  # fmt: skip
    request_flag.follow_up_note = "called them back"
    request_flag.save()

    fee = ClientFee(client=client, service="individual", amount_cents=100, starts_on=now.date())
    fee.reason = "sliding scale"
    fee.save()
    details = BillingDetails(person=person)
    details.sealed_details = json.dumps({"member": "X1"})
    details.save()
    diagnosis = Diagnosis(client=client)
    diagnosis.code = "F43.10"
    diagnosis.save()
    charge = Charge.objects.create(
        client=client, clinician=clinician, service_date=now.date(), fee_cents=100
    )
    adjustment = Adjustment(charge=charge, amount_cents=-10)
    adjustment.reason = "courtesy"
    adjustment.save()
    issued = {
        "number": "S-1",
        "issued_on": now.date(),
        "period_start": now.date(),
        "period_end": now.date(),
        "total_cents": 90,
        "client": client,
    }
    statement = Statement(kind=Statement.Kind.values[0], **issued)
    statement.pdf = b"%PDF-statement"
    statement.save()
    estimate = Estimate(reason=Estimate.Reason.values[0], **(issued | {"number": "E-1"}))
    estimate.pdf = b"%PDF-estimate"
    estimate.items = json.dumps([{"service": "individual"}])
    estimate.save()

    account = PortalAccount.objects.create(person=person)
    code = SignInCode(
        account=account, handle="h" * 43, code_hash="c", link_hash="l", channel="email",
        created_at=now, expires_at=now + dt.timedelta(minutes=15),
    )  # fmt: skip
    code.secret_sealed = seal(
        "123456:token", context=sign_in_secret_context(code), keyring=keyring()
    )
    code.save()
    return {
        "note": note,
        "amendment": amendment,
        "message": message,
        "attachment": attachment,
        "answer": answer,
        "signature": signature,
        "response": response,
        "record_request": record_request,
        "estimate": estimate,
        "code": code,
    }


def _values(column: SealedColumn) -> list[tuple[models.Model, str]]:
    rows = column.model.objects.exclude(**{column.column: ""}).order_by("pk")  # type: ignore[attr-defined]
    return [(row, getattr(row, column.column)) for row in rows]


def test_reseal_moves_every_app_to_the_newest_key_and_old_key_retires(
    demo: None, settings: Settings
) -> None:
    old = _key("old")
    settings.DATA_KEYS = old
    rows = _every_sealed_row(User.objects.get(username="therapist"), Clinician.objects.get())
    for column in reseal_columns():
        values = _values(column)
        if column.model._meta.app_label in APPS:
            assert values, f"no row holds {column.model._meta.label}.{column.column}"
        assert {key_id_of(v) for _, v in values} <= {"old"}

    settings.DATA_KEYS = f"{_key('new')},{old}"
    out = StringIO()
    call_command("reseal", stdout=out)
    assert "now sealed with key 'new'" in out.getvalue()

    # The old key goes: every value still opens, with the context its row binds it to.
    settings.DATA_KEYS = settings.DATA_KEYS.split(",")[0]
    for column in reseal_columns():
        for row, value in _values(column):
            assert key_id_of(value) == "new", f"{column.model._meta.label}.{column.column}"
            open_sealed_bytes(value, context=column.context(row), keyring=keyring())

    def fresh(name: str) -> models.Model:
        row = rows[name]
        fetched: models.Model = type(row)._default_manager.get(pk=row.pk)
        return fetched

    assert fresh("note").sections == {"text": "kept"}  # type: ignore[attr-defined]
    assert fresh("amendment").text == "one more thing"  # type: ignore[attr-defined]
    assert fresh("message").body == "hello"  # type: ignore[attr-defined]
    attachment = fresh("attachment")
    assert (attachment.name, attachment.data) == ("list.txt", b"hi")  # type: ignore[attr-defined]
    assert fresh("answer").text == "what brings me in"  # type: ignore[attr-defined]
    assert fresh("signature").pdf == b"%PDF-signed"  # type: ignore[attr-defined]
    response = fresh("response")
    assert response.comment == "a hard week"  # type: ignore[attr-defined]
    assert json.loads(response.answers_json)[1] == 1  # type: ignore[attr-defined]
    assert fresh("record_request").what == "my date of birth"  # type: ignore[attr-defined]
    estimate = fresh("estimate")
    assert estimate.pdf == b"%PDF-estimate"  # type: ignore[attr-defined]

    again = StringIO()
    call_command("reseal", stdout=again)
    assert "0 values now sealed" in again.getvalue()
