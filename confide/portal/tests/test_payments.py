"""Payments in the portal: the billed person's own account, nobody else's, and only with billing."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.utils import timezone
from pypdf import PdfReader

from confide.audit.models import AuditEvent
from confide.billing import services
from confide.billing.demo import billing_demo_load
from confide.billing.estimates import estimate_issue
from confide.billing.models import Account, BillingSettings, Estimate, Payment, Statement
from confide.billing.statements import statement_issue
from confide.clients.models import Client
from confide.office.tests.factories import therapist_user
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in, session_make
from confide.practice.models import Clinician
from confide.scheduling.attendance import outcome_record
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")

# The demo practice's fees (confide/billing/demo.py): an individual session is $200.00.


def pdf_text(pdf: bytes) -> str:
    """Return the PDF's text, each run of whitespace made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _today() -> dt.date:
    return timezone.localdate()


def _at(days: int, hour: int) -> dt.datetime:
    """Return a whole hour ``days`` from today (negative: ago), apart from other clients'."""
    day = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    return day + dt.timedelta(days=days, hours=hour)


def attended(client: Client, therapist: User, *, days_ago: int, hour: int = 0) -> Appointment:
    """Return a past session of the client marked attended, which charges its fee."""
    start = _at(-days_ago, hour)
    appointment = session_make(client, start=start)
    return outcome_record(
        appointment=appointment,
        outcome=Appointment.Outcome.ATTENDED,
        now=timezone.now(),
        actor=therapist,
    )


def account_with_papers(
    client: Client, therapist: User, *, paid: int = 15000, hour: int = 0
) -> list[Statement | Estimate]:
    """Charge two sessions, record a payment, issue a statement, a superbill and an estimate."""
    attended(client, therapist, days_ago=14, hour=hour)
    attended(client, therapist, days_ago=7, hour=hour)
    services.payment_record(
        client=client, kind=Payment.Kind.PAYMENT, received_on=_today(), amount_cents=paid,
        method=Payment.Method.CHECK, reference="1042", actor=therapist, today=_today(),
    )  # fmt: skip
    session_make(client, start=_at(3, hour))  # an upcoming session, which the estimate counts
    issued: list[Statement | Estimate] = []
    for kind in (Statement.Kind.STATEMENT, Statement.Kind.SUPERBILL):
        issued.append(
            statement_issue(
                client=client,
                kind=kind,
                period_start=_today() - dt.timedelta(days=30),
                period_end=_today(),
                actor=therapist,
                now=timezone.now(),
                issued_on=_today(),
            )
        )
    issued.append(
        estimate_issue(client=client, actor=therapist, now=timezone.now(), issued_on=_today())
    )
    return issued


def page_of(browser: Browser) -> str:
    response = browser.get("/portal/payments/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def download(browser: Browser, uid: object) -> tuple[int, bytes]:
    response = browser.post("/portal/payments/download/", {"document": str(uid)})
    return response.status_code, response.content


@pytest.fixture(autouse=True)
def billing(demo: None) -> None:
    """The demo practice's billing, its fees in force since a year ago."""
    clinician = Clinician.objects.get(slug="hannah-brenner")
    billing_demo_load(clinician=clinician, today=_today() - dt.timedelta(days=365))


@pytest.fixture
def therapist() -> User:
    return therapist_user()


@pytest.fixture
def avery() -> Client:
    return client_make(("Avery Example", "avery@example.org"))


def test_a_person_sees_their_balance_charges_payments_and_papers(
    avery: Client, therapist: User
) -> None:
    statement, superbill, estimate = account_with_papers(avery, therapist)

    page = page_of(portal_signed_in(person_of(avery)))

    assert "Still to pay: <strong>$250.00</strong>" in page  # two sessions of $200.00, $150.00 paid
    assert page.count("Individual psychotherapy") == 2
    assert "paid $150.00 · still to pay $50.00" in page
    assert "paid $0.00 · still to pay $200.00" in page
    assert "paid $150.00" in page
    assert "Check · 1042" in page
    assert "How to pay: Payment by check, bank transfer or a card taken by phone." in page
    for document in (statement, superbill, estimate):
        assert document.number in page
    assert 'aria-current="page">Payments<' in page


def test_the_page_writes_nothing(avery: Client) -> None:
    page_of(portal_signed_in(person_of(avery)))

    assert not Account.objects.filter(client=avery).exists()
    assert "No charges yet." in page_of(portal_signed_in(person_of(avery)))


def test_each_download_is_the_issued_pdf_and_is_audited(avery: Client, therapist: User) -> None:
    statement, superbill, estimate = account_with_papers(avery, therapist)
    browser = portal_signed_in(person_of(avery))

    for document, words in (
        (statement, ["Statement", "Avery Example", "$400.00", "$150.00", "$250.00", "1042"]),
        (superbill, ["Superbill", "Avery Example", "90834", "1234567893", "12-3456789"]),
        (estimate, ["Good Faith Estimate", "Avery Example", "$400", "1234567893"]),
    ):
        status, body = download(browser, document.uid)
        assert status == 200
        assert body == document.pdf
        assert hashlib.sha256(body).hexdigest() == document.sha256
        text = pdf_text(body)
        assert document.number in text
        for word in words:
            assert word in text, (document, word)
        event = AuditEvent.objects.filter(target_uid=document.uid).first()
        assert event is not None
        assert (event.action, event.actor_name, event.client_uid) == ("export", "system", avery.uid)
        assert event.summary == f"Downloaded {document.number} from the portal"


def test_a_download_is_a_post_naming_the_paper_in_the_form_only(
    avery: Client, therapist: User
) -> None:
    statement, *_ = account_with_papers(avery, therapist)
    browser = portal_signed_in(person_of(avery))
    page = page_of(browser)

    assert f'name="document" value="{statement.uid}"' in page
    assert str(statement.uid) not in page.replace(f'value="{statement.uid}"', "")
    assert browser.get("/portal/payments/download/").status_code == 405
    for value in ("", "not-a-uid", "00000000-0000-4000-8000-000000000001"):
        assert download(browser, value)[0] == 404


def test_client_a_never_sees_client_bs_money_or_papers(avery: Client, therapist: User) -> None:
    blair = client_make(("Blair Example", "blair@example.org"))
    account_with_papers(avery, therapist, paid=15000)
    blairs = account_with_papers(blair, therapist, paid=3300, hour=2)
    browser = portal_signed_in(person_of(avery))

    page = page_of(browser)
    assert "$33.00" not in page
    assert "$367.00" not in page
    for document in blairs:
        assert document.number not in page
        assert download(browser, document.uid)[0] == 404
    assert not AuditEvent.objects.filter(
        action="export", client_uid=blair.uid, actor__isnull=True
    ).exists()


def test_in_a_couple_only_the_partner_billed_sees_the_money(therapist: User) -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    services.account_update(client=couple, payer=kai, self_pay=True, actor=therapist)
    papers = account_with_papers(couple, therapist)

    kai_page = page_of(portal_signed_in(kai))
    assert "Still to pay: <strong>$250.00</strong>" in kai_page
    assert all(p.number in kai_page for p in papers)

    browser = portal_signed_in(dana)
    dana_page = page_of(browser)
    assert "The bills for your sessions together go to Kai Example" in dana_page
    assert "$" not in dana_page.split("<main", 1)[1]
    for document in papers:
        assert document.number not in dana_page
        assert download(browser, document.uid)[0] == 404


def test_without_billing_nothing_shows(avery: Client, therapist: User) -> None:
    statement, *_ = account_with_papers(avery, therapist)
    BillingSettings.objects.filter(pk=1).update(enabled=False)
    browser = portal_signed_in(person_of(avery))

    home = html.unescape(browser.get("/portal/").content.decode())
    assert "Payments" not in home
    assert "/portal/payments/" not in home
    assert browser.get("/portal/payments/").status_code == 404
    assert download(browser, statement.uid)[0] == 404


def test_with_billing_every_portal_page_offers_payments(avery: Client) -> None:
    home = html.unescape(portal_signed_in(person_of(avery)).get("/portal/").content.decode())

    assert '<a href="/portal/payments/">Payments</a>' in home


def test_an_estimate_replaced_says_so(avery: Client, therapist: User) -> None:
    *_, first = account_with_papers(avery, therapist)
    session_make(avery, start=_at(10, 0))
    second = estimate_issue(
        client=avery, quantities={"individual": 40}, actor=therapist, now=timezone.now(),
        issued_on=_today(),
    )  # fmt: skip
    assert Estimate.objects.get(pk=first.pk).replaced_by == second

    page = page_of(portal_signed_in(person_of(avery)))
    assert second.number in page
    assert first.number in page
    assert page.count("replaced by a newer estimate") == 1
