"""Every URL under /office/, found by walking the URL configuration, checked for who may open it.

Nothing here lists the office's pages: they are discovered, so a page added tomorrow is checked
tomorrow. What the office engineers extend:

- ``PATH_SAMPLES``: for a URL name, the path arguments of a real object (the default fills
  ``<int:…>`` with 1, ``<uuid:…>`` with a fixed UUID, and admin object ids with a real row);
- ``OTHER_CLINICIANS_OBJECTS``: for a URL name, a function that makes an object belonging to the
  demo clinician and returns the path arguments for it; another clinician must not see it;
- the roles a view admits come from ``office_view(roles=...)`` itself (see
  confide/accounts/access.py), so a practice manager on a clinical page is checked from there.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from confide.accounts.access import Role
from confide.accounts.models import StaffProfile
from confide.accounts.services import PRACTICE_MANAGER_PERMISSIONS
from confide.accounts.testing import sign_in, staff_user_create

pytestmark = pytest.mark.django_db

OFFICE = "office/"
# The sign-in pages themselves: public by nature, checked in confide/accounts/tests.
SIGN_IN_PAGES = "office/account/"
ADMIN = "office/admin/"
LOGIN = "/office/account/login/"
ADMIN_LOGIN = "/office/admin/login/"
ADMIN_INDEX = "/office/admin/"
SECOND_FACTOR_SETUP = "/office/account/2fa/"


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern as written, for messages
    kwargs: tuple[tuple[str, str], ...]  # argument name and converter kind
    callback: Callable[..., HttpResponse]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith(ADMIN)

    @property
    def roles(self) -> frozenset[Role] | None:
        return getattr(self.callback, "office_roles", None)

    def __str__(self) -> str:
        return f"{self.name} (/{self.route})"


def _converter_kind(converter: object) -> str:
    if isinstance(converter, IntConverter):
        return "int"
    if isinstance(converter, UUIDConverter):
        return "uuid"
    return "str"


def _walk(
    patterns: list[Any], namespaces: list[str], prefix: str, kwargs: dict[str, str]
) -> Iterator[Route]:
    for entry in patterns:
        pattern = entry.pattern
        found = dict(kwargs)
        converters = getattr(pattern, "converters", {})
        for name in pattern.regex.groupindex:
            found[name] = _converter_kind(converters.get(name))
        route = prefix + str(pattern)
        if isinstance(entry, URLResolver):
            spaces = [*namespaces, entry.namespace] if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, spaces, route, found)
        elif isinstance(entry, URLPattern):
            name = ":".join([*namespaces, entry.name]) if entry.name else ""
            yield Route(name, route, tuple(found.items()), entry.callback)


def office_routes() -> list[Route]:
    """Return every URL pattern under /office/ except the sign-in pages."""
    return [
        route
        for route in _walk(get_resolver().url_patterns, [], "", {})
        if route.route.startswith(OFFICE) and not route.route.startswith(SIGN_IN_PAGES)
    ]


def _first_client_uid() -> dict[str, Any]:
    from confide.clients.models import Client as ClientRecord

    record = ClientRecord.objects.order_by("pk").first()
    return {"uid": record.uid} if record else {}


def _first_appointment() -> dict[str, Any]:
    from confide.scheduling.models import Appointment

    appointment = Appointment.objects.order_by("pk").first()
    return {"pk": appointment.pk} if appointment else {}


# Path arguments of real objects, by URL name; anything not named here gets a default.
PATH_SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "office:appointment": _first_appointment,
    "office:appointment_move": _first_appointment,
    "office:appointment_cancel": _first_appointment,
    "office:appointment_series_move": _first_appointment,
    "office:appointment_series_cancel": _first_appointment,
    "office:appointment_outcome": _first_appointment,
    "office:appointment_outcome_undo": _first_appointment,
    "office:client": _first_client_uid,
}


def _demo_client_of_the_demo_clinician() -> dict[str, Any]:
    from confide.clients.models import Client as ClientRecord
    from confide.practice.models import Clinician

    record = ClientRecord.objects.create(
        kind=ClientRecord.Kind.INDIVIDUAL,
        display_name="Jordan Example",
        clinician=Clinician.objects.order_by("pk")[0],
    )
    return {"uid": record.uid}


# Objects of the demo clinician's, by URL name: another clinician gets 404 (or 403) for them.
OTHER_CLINICIANS_OBJECTS: dict[str, Callable[[], dict[str, Any]]] = dict.fromkeys(
    [
        "office:client",
        "office:client_status",
        "office:note_new",
        "office:client_export",
        "office:client_anonymize",
        "office:client_audit",
    ],
    _demo_client_of_the_demo_clinician,
)


def _demo_note() -> dict[str, Any]:
    from confide.clients.models import ClinicalNote

    record = _demo_client_of_the_demo_clinician()
    note = ClinicalNote(client_id=_client_pk(record["uid"]), kind="progress", template="free")
    note.sections = {"text": "a note"}
    note.save()
    return {"uid": note.uid}


def _demo_document() -> dict[str, Any]:
    from confide.clients.models import Document

    record = _demo_client_of_the_demo_clinician()
    document = Document(
        client_id=_client_pk(record["uid"]), title="Letter", content_type="text/plain", size=1
    )
    document.data = b"x"
    document.save()
    return {"uid": document.uid}


def _demo_person() -> dict[str, Any]:
    from confide.clients.models import Person

    record = _demo_client_of_the_demo_clinician()
    person = Person.objects.create(client_id=_client_pk(record["uid"]), name="Jordan")
    return {"uid": record["uid"], "person_id": person.pk}


def _demo_request() -> dict[str, Any]:
    from confide.clients.models import ConsultationRequest
    from confide.practice.models import Clinician

    request = ConsultationRequest.objects.create(
        clinician=Clinician.objects.order_by("pk")[0], name="Quinn", email="quinn@example.org"
    )
    return {"uid": request.uid}


def _client_pk(uid: uuid.UUID) -> int:
    from confide.clients.models import Client as ClientRecord

    return ClientRecord.objects.get(uid=uid).pk


OTHER_CLINICIANS_OBJECTS.update(
    {
        "office:note": _demo_note,
        "office:document": _demo_document,
        "office:document_upload": _demo_client_of_the_demo_clinician,
        "office:person_edit": _demo_person,
        # Inviting a person to the client portal (confide/office/portal_views.py).
        "office:portal_invite": _demo_person,
        "office:portal_close": _demo_person,
        "office:request": _demo_request,
        "office:request_contacted": _demo_request,
        "office:request_accept": _demo_request,
        "office:request_close": _demo_request,
    }
)


def _demo_charge() -> dict[str, Any]:
    import datetime as dt

    from confide.billing.models import Charge
    from confide.practice.models import Clinician

    record = _demo_client_of_the_demo_clinician()
    charge = Charge.objects.create(
        client_id=_client_pk(record["uid"]),
        clinician=Clinician.objects.order_by("pk")[0],
        service="individual",
        service_date=dt.date(2030, 1, 7),
        fee_cents=18000,
    )
    return {"uid": charge.uid}


def _demo_issued(model_name: str) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        import datetime as dt

        from confide.billing.models import Estimate, Statement

        record = _demo_client_of_the_demo_clinician()
        day = dt.date(2030, 1, 31)
        common = {
            "client_id": _client_pk(record["uid"]), "issued_on": day, "period_start": day,
            "period_end": day, "total_cents": 0, "sha256": "0" * 64,
        }  # fmt: skip
        if model_name == "statement":
            number = f"ST-{uuid.uuid4().hex[:8]}"
            document: Any = Statement(number=number, kind="statement", **common)
        else:
            document = Estimate(
                number=f"GFE-{uuid.uuid4().hex[:8]}", reason="scheduled", services_key="-",
                **common,
            )  # fmt: skip
            document.items = "[]"
        document.pdf = b"%PDF-1.4"
        document.save()
        return {"uid": document.uid}

    return make


def _demo_diagnosis() -> dict[str, Any]:
    from confide.billing.models import Diagnosis

    record = _demo_client_of_the_demo_clinician()
    diagnosis = Diagnosis(client_id=_client_pk(record["uid"]))
    diagnosis.code = "F43.10"
    diagnosis.save()
    return {"uid": diagnosis.uid}


# Billing: a client's account and its forms, and the objects it issues.
OTHER_CLINICIANS_OBJECTS.update(
    {
        **dict.fromkeys(
            [
                "office:client_billing",
                "office:payment_new",
                "office:account_edit",
                "office:client_fee_new",
                "office:statement_new",
                "office:estimate_new",
                "office:estimate_request",
                "office:diagnoses",
            ],
            _demo_client_of_the_demo_clinician,
        ),
        "office:billing_details": _demo_person,
        "office:charge": _demo_charge,
        "office:statement": _demo_issued("statement"),
        "office:estimate": _demo_issued("estimate"),
        "office:diagnosis": _demo_diagnosis,
    }
)
PATH_SAMPLES.update(
    {
        "office:client_billing": _first_client_uid,
        "office:billing_export": lambda: {"what": "charges"},
        "office:clinician_billing": lambda: {"pk": _first_clinician_pk()},
    }
)


def _first_clinician_pk() -> int:
    from confide.practice.models import Clinician

    return Clinician.objects.order_by("pk")[0].pk


def _demo_video_session() -> dict[str, Any]:
    from confide.practice.models import Clinician
    from confide.scheduling.models import Appointment, AppointmentType

    clinician = Clinician.objects.order_by("pk")[0]
    kind = AppointmentType.objects.filter(clinician=clinician).order_by("pk")[0]
    start = Appointment._meta.get_field("start").to_python("2031-01-06T15:00:00+00:00")
    appointment = Appointment.objects.create(
        clinician=clinician, appointment_type=kind, format=Appointment.Format.VIDEO,
        start=start, end=start + kind.duration,
    )  # fmt: skip
    return {"pk": appointment.pk}


# A session's own video room: any role that sees the appointment may set it.
PATH_SAMPLES["office:appointment_room"] = _first_appointment
OTHER_CLINICIANS_OBJECTS["office:appointment_room"] = _demo_video_session


def _new_clinician(slug: str) -> Any:
    from confide.practice.models import Clinician

    return Clinician.objects.create(
        name="Sam Placeholder", slug=slug, credentials="LCSW", license_number="X-1", bio="-"
    )


def _admin_sample(route: Route, name: str) -> Any:
    model_admin = getattr(route.callback, "model_admin", None)
    if name == "object_id" and model_admin is not None:
        row = model_admin.model.objects.order_by("pk").first()
        return row.pk if row is not None else 1
    if name == "app_label":
        return "practice"
    if name == "content_type_id":
        return ContentType.objects.get(app_label="practice", model="practice").pk
    if name == "object_id":
        return 1
    return None


def url_for(route: Route, extra: dict[str, Any] | None = None) -> str:
    """Return a concrete address for the route, with real objects where known."""
    if not route.name:
        # Django's admin has a few unnamed patterns (a catch-all, object-id redirects); any
        # other unnamed office page is a mistake.
        assert route.route.startswith(ADMIN), f"Give {route.route} a name"
        if "(?P<url>" in route.route:
            return "/office/admin/no-such-page/"
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: str(_admin_sample(route, m.group(1))), route.route
        )
    kwargs: dict[str, Any] = {}
    for name, kind in route.kwargs:
        value = _admin_sample(route, name) if route.is_admin else None
        if value is None:
            value = {"int": 1, "uuid": uuid.UUID(int=1)}.get(kind, "sample")
        kwargs[name] = value
    sample = PATH_SAMPLES.get(route.name)
    if sample is not None:
        kwargs.update(sample())
    kwargs.update(extra or {})
    return reverse(route.name, kwargs=kwargs)


def fetch(client: Client, url: str) -> Any:
    """GET the page; a page that only takes POST is posted to, empty."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


def admin_response(client: Client, url: str) -> Any:
    """Fetch, following the admin's own redirects (not to its sign-in) to the final page."""
    response = fetch(client, url)
    for _ in range(3):
        location = str(response.get("Location", ""))
        if response.status_code != 302 or not location.startswith("/office/admin/"):
            break
        # The admin's sign-in, or its index: where it sends anyone asking for a missing row.
        if location.startswith(ADMIN_LOGIN) or location == ADMIN_INDEX:
            break
        response = client.get(location)
    return response


def landing(client: Client, url: str) -> str:
    """Follow redirects inside the office (not the sign-in pages) and return where they lead."""
    response = fetch(client, url)
    for _ in range(4):
        if response.status_code != 302:
            return f"{response.status_code} {url}"
        location = str(response["Location"])
        if not location.startswith("/office/") or location.startswith((LOGIN, SECOND_FACTOR_SETUP)):
            return location
        url = location
        response = client.get(url)
    return f"redirect loop at {url}"


ROUTES = office_routes()
# Signing out is open to anyone who is signed in.
SIGN_OUT = {"admin:logout"}


def test_the_walk_finds_the_office_and_the_admin() -> None:
    names = {route.name for route in ROUTES}
    assert {"office:home", "admin:index", "admin:practice_practice_change"} <= names
    assert not any(route.route.startswith(SIGN_IN_PAGES) for route in ROUTES)


def test_every_office_page_declares_its_roles() -> None:
    missing = [str(r) for r in ROUTES if not r.is_admin and r.roles is None]
    assert missing == [], "Decorate these with confide.accounts.access.office_view"


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, demo: None) -> None:
    failures = []
    for route in ROUTES:
        where = landing(client, url_for(route))
        if not where.startswith(LOGIN):
            failures.append(f"{route}: {where}")
    assert failures == []


def test_staff_without_a_second_factor_are_sent_to_set_one_up(demo: None) -> None:
    for role in Role:
        clinician = _new_clinician(f"new-{role}") if role == Role.CLINICIAN else None
        user = staff_user_create(f"new-{role}", role=role, second_factor=False, clinician=clinician)
        client = sign_in(Client(), user, second_factor=False)
        failures = []
        for route in ROUTES:
            where = landing(client, url_for(route))
            if not where.startswith(SECOND_FACTOR_SETUP):
                failures.append(f"{route}: {where}")
        assert failures == [], role


def test_a_session_that_skipped_the_second_factor_must_sign_in_again(
    demo: None, owner: User
) -> None:
    failures = []
    for route in ROUTES:
        client = sign_in(Client(), owner, second_factor=False)
        where = landing(client, url_for(route))
        if not where.startswith(LOGIN):
            failures.append(f"{route}: {where}")
    assert failures == []


def test_a_stranger_without_a_staff_role_sees_nothing(demo: None, stranger: User) -> None:
    client = sign_in(Client(), stranger)
    failures = []
    for route in ROUTES:
        if route.name in SIGN_OUT:
            continue
        response = admin_response(client, url_for(route))
        if response.status_code == 302 and str(response["Location"]).startswith(ADMIN_LOGIN):
            response = client.get(response["Location"])
        if response.status_code != 403:
            failures.append(f"{route}: {response.status_code}")
    assert failures == []


@pytest.fixture
def staff_of_each_role(demo: None, owner: User, colleague: User, practice_manager: User) -> Any:
    return {Role.OWNER: owner, Role.CLINICIAN: colleague, Role.PRACTICE_MANAGER: practice_manager}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_exactly_the_office_pages_its_roles_allow(
    staff_of_each_role: dict[Role, User], role: Role
) -> None:
    client = sign_in(Client(), staff_of_each_role[role])
    failures = []
    for route in ROUTES:
        if route.is_admin or route.roles is None:
            continue
        response = fetch(client, url_for(route))
        denied = response.status_code == 403
        sent_away = response.status_code == 302 and str(response["Location"]).startswith(
            (LOGIN, SECOND_FACTOR_SETUP)
        )
        if role in route.roles and (sent_away or response.status_code >= 500):
            failures.append(f"{route}: {response.status_code}, expected to open")
        if role not in route.roles and not denied:
            failures.append(f"{route}: {response.status_code}, expected 403")
    assert failures == []


def test_a_practice_manager_never_opens_a_clinical_page(demo: None) -> None:
    from confide.accounts.access import CLINICAL_ROLES

    clinical = [r for r in ROUTES if r.roles is not None and r.roles <= CLINICAL_ROLES]
    # Guard the guard: the office has clinical pages, and this test sees them.
    assert clinical or not any(r.name.startswith("office:note") for r in ROUTES)
    manager = staff_user_create("manager2", role=StaffProfile.Role.PRACTICE_MANAGER)
    client = sign_in(Client(), manager)
    failures = [str(r) for r in clinical if fetch(client, url_for(r)).status_code != 403]
    assert failures == []


@pytest.mark.parametrize("name", sorted(OTHER_CLINICIANS_OBJECTS))
def test_another_clinician_cannot_open_the_demo_clinicians_records(
    demo: None, colleague: User, owner: User, name: str
) -> None:
    route = next((r for r in ROUTES if r.name == name), None)
    if route is None:
        pytest.skip(f"{name} is not in the URL configuration (yet)")
    url = url_for(route, OTHER_CLINICIANS_OBJECTS[name]())

    # A fresh password, so that pages asking for one show what they would show next.
    response = fetch(sign_in(Client(), colleague, fresh_password=True), url)

    assert response.status_code in {403, 404}, f"{route}: {response.status_code}"
    # The control: the owner reaches the same object, so the 404 above is about scope.
    control = fetch(sign_in(Client(), owner, fresh_password=True), url)
    assert control.status_code not in {403, 404}, f"{route}: {control.status_code}"


def test_a_practice_manager_is_refused_every_admin_page_outside_the_schedule(
    demo: None, practice_manager: User
) -> None:
    allowed = set(PRACTICE_MANAGER_PERMISSIONS)
    client = sign_in(Client(), practice_manager)
    failures = []
    for route in ROUTES:
        model_admin = getattr(route.callback, "model_admin", None)
        if model_admin is None:
            continue
        meta = model_admin.model._meta
        if (meta.app_label, meta.model_name) in allowed:
            continue
        response = admin_response(client, url_for(route))
        missing_row = response.status_code == 302 and response["Location"] == ADMIN_INDEX
        if response.status_code != 403 and not missing_row:
            failures.append(f"{route}: {response.status_code}")
    assert failures == []
    assert client.get(ADMIN_INDEX).status_code == 200


def test_a_clinician_does_not_use_the_admin(demo: None, colleague: User) -> None:
    client = sign_in(Client(), colleague)
    failures = []
    for route in ROUTES:
        if not route.is_admin or route.name in SIGN_OUT:
            continue
        response = admin_response(client, url_for(route))
        if response.status_code == 302 and str(response["Location"]).startswith(ADMIN_LOGIN):
            response = client.get(response["Location"])
        if response.status_code not in {403, 405}:
            failures.append(f"{route}: {response.status_code}")
    assert failures == []


def test_every_office_response_is_kept_out_of_caches(client: Client, demo: None) -> None:
    for path in ["/office/", LOGIN, "/office/admin/", "/office/no-such-page/"]:
        assert "no-store" in client.get(path)["Cache-Control"], path
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def _first_type_pk() -> dict[str, Any]:
    from confide.scheduling.models import AppointmentType

    return {"pk": AppointmentType.objects.order_by("pk")[0].pk}


def _first_rule_pk() -> dict[str, Any]:
    from confide.scheduling.models import AvailabilityRule

    return {"pk": AvailabilityRule.objects.order_by("pk")[0].pk}


def _demo_clinician_pk() -> dict[str, Any]:
    return {"pk": _first_clinician_pk()}


# Settings: a clinician's profile, types and hours are theirs alone; the owner's and the
# practice manager's scope is the whole practice.
_SETTINGS_BY_CLINICIAN = [
    "office:settings_clinician",
    "office:settings_types",
    "office:settings_type_new",
    "office:settings_hours",
    "office:settings_weekly_add",
    "office:settings_extra_add",
    "office:settings_time_off",
]
PATH_SAMPLES.update(dict.fromkeys(_SETTINGS_BY_CLINICIAN, _demo_clinician_pk))
PATH_SAMPLES.update(
    {
        "office:settings_type": _first_type_pk,
        "office:settings_type_active": _first_type_pk,
        "office:settings_hours_remove": _first_rule_pk,
    }
)
OTHER_CLINICIANS_OBJECTS.update(dict.fromkeys(_SETTINGS_BY_CLINICIAN, _demo_clinician_pk))
OTHER_CLINICIANS_OBJECTS.update(
    {
        "office:settings_type": _first_type_pk,
        "office:settings_type_active": _first_type_pk,
        "office:settings_hours_remove": _first_rule_pk,
    }
)


def _demo_signature() -> dict[str, Any]:
    import datetime as dt

    from confide.clients.models import Person
    from confide.intake import services as intake

    record = _demo_client_of_the_demo_clinician()
    person = Person.objects.create(client_id=_client_pk(record["uid"]), name="Jordan")
    now = dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC)
    intake.packet_send(
        client=person.client, people=[person], items=["consent"], actor=None, now=now
    )
    intake.esign_consent_record(person=person, address=None, now=now)
    version = intake.document_for_kind("consent").current_version()
    assert version is not None
    signature = intake.document_sign(
        person=person, version=version, typed_name="Jordan", intent=True, address=None, now=now
    )
    return {"uid": signature.uid}


# Intake paperwork: the documents' wording (the owner's), a client's packet, answers and PDFs.
PATH_SAMPLES.update(
    {
        "office:settings_intake_document": lambda: {"kind": "consent"},
        "office:settings_intake_version": lambda: {"kind": "consent", "number": 1},
        "office:intake_send": _first_client_uid,
        "office:intake_signed": _demo_signature,
    }
)
OTHER_CLINICIANS_OBJECTS.update(
    {
        "office:intake_send": _demo_client_of_the_demo_clinician,
        "office:intake_answers": _demo_person,
        "office:intake_signed": _demo_signature,
    }
)


def _demo_message(flagged: bool = True) -> Any:
    """Return a message with a file, written by a person of the demo clinician's client."""
    from django.utils import timezone

    from confide.clients.models import Person
    from confide.messaging import services

    record = _demo_client_of_the_demo_clinician()
    person = Person.objects.create(client_id=_client_pk(record["uid"]), name="Jordan")
    return services.message_send_by_person(
        person=person,
        body="I want to die" if flagged else "A question",
        upload=services.Upload("note.txt", b"words"),
        now=timezone.now(),
    )


# Secure messages (confide/messaging/office_views.py): clinical roles only, within scope.
OTHER_CLINICIANS_OBJECTS.update(
    {
        "office:messages_thread": lambda: {"uid": _demo_message().thread.person.uid},
        "office:message_attachment": lambda: {"uid": _demo_message().attachments.get().uid},
        "office:message_follow_up": lambda: {"uid": _demo_message().uid},
    }
)
PATH_SAMPLES.update(
    {
        "office:messages_thread": lambda: {"uid": _demo_message(False).thread.person.uid},
        "office:message_attachment": lambda: {"uid": _demo_message(False).attachments.get().uid},
        "office:message_follow_up": lambda: {"uid": _demo_message().uid},
    }
)


def _demo_record_request() -> dict[str, Any]:
    """Return a request about the record by a person of the demo clinician's client."""
    import datetime as dt

    from confide.clients.models import Person
    from confide.records import services as records

    record = _demo_client_of_the_demo_clinician()
    person = Person.objects.create(client_id=_client_pk(record["uid"]), name="Jordan")
    now = dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC)
    row = records.record_request_create(
        person=person, kind="correction", what="A date", why="", now=now
    )
    return {"uid": row.uid}


# Requests about a person's record (confide/office/record_views.py): clinical roles, in scope.
PATH_SAMPLES["office:record_request"] = _demo_record_request
OTHER_CLINICIANS_OBJECTS["office:record_request"] = _demo_record_request


def _demo_measure_flag() -> Any:
    """Return a flag on a PHQ-9 answered by a person of the demo clinician's client."""
    import datetime as dt

    from confide.clients.models import Client as ClientRecord
    from confide.clients.models import Person
    from confide.measures import services as measures

    record = _demo_client_of_the_demo_clinician()
    person = Person.objects.create(client_id=_client_pk(record["uid"]), name="Jordan")
    now = dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC)
    ask = measures.measure_send(
        client=ClientRecord.objects.get(uid=record["uid"]), person=person, code="phq9",
        actor=None, now=now, request=None,
    )  # fmt: skip
    answers = {f"item{n}": 0 for n in range(1, 9)} | {"item9": 1}
    response = measures.response_save(ask=ask, answers=answers, comment="", now=now, request=None)
    return response.flags.get()


def _demo_measure_schedule() -> Any:
    """Return a schedule of the GAD-7 for the demo clinician's client."""
    import datetime as dt

    from confide.clients.models import Client as ClientRecord
    from confide.measures.models import MeasureSchedule

    record = _demo_client_of_the_demo_clinician()
    return MeasureSchedule.objects.create(
        client=ClientRecord.objects.get(uid=record["uid"]), code="gad7", every_weeks=4,
        created_at=dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC),
    )  # fmt: skip


# Measures (confide/measures/office_views.py): clinical roles only, within scope.
OTHER_CLINICIANS_OBJECTS.update(
    {
        **dict.fromkeys(
            [
                "office:client_measures",
                "office:measure_send",
                "office:measure_share",
                "office:measure_schedule",
            ],
            _demo_client_of_the_demo_clinician,
        ),
        "office:measure_response": lambda: {"uid": _demo_measure_flag().response.uid},
        "office:measure_follow_up": lambda: {"uid": _demo_measure_flag().uid},
        "office:measure_schedule_stop": lambda: {"uid": _demo_measure_schedule().uid},
    }
)
PATH_SAMPLES.update(
    {
        "office:client_measures": _first_client_uid,
        "office:measure_response": lambda: {"uid": _demo_measure_flag().response.uid},
        "office:measure_follow_up": lambda: {"uid": _demo_measure_flag().uid},
        "office:measure_schedule_stop": lambda: {"uid": _demo_measure_schedule().uid},
    }
)


def _demo_signed_plan() -> dict[str, Any]:
    """Return a signed treatment plan of the demo clinician's client."""
    import datetime as dt

    from confide.clients.models import Client as ClientRecord
    from confide.plans.models import TreatmentPlan

    record = _demo_client_of_the_demo_clinician()
    plan = TreatmentPlan(
        client=ClientRecord.objects.get(uid=record["uid"]), version=1, review_on=dt.date(2030, 4, 1)
    )
    plan.content_json = "{}"
    plan.sign(by=None, at=dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC))
    plan.save()
    return {"uid": plan.uid}


# Treatment plans (confide/plans/office_views.py): clinical roles only, within scope.
_PLAN_PAGES_OF_A_CLIENT = ["office:client_plan", "office:plan_write", "office:plan_sign"]
OTHER_CLINICIANS_OBJECTS.update(
    {
        **dict.fromkeys(
            [*_PLAN_PAGES_OF_A_CLIENT, "office:plan_share"], _demo_client_of_the_demo_clinician
        ),
        "office:plan_version": _demo_signed_plan,
    }
)
PATH_SAMPLES.update(
    {
        **dict.fromkeys(_PLAN_PAGES_OF_A_CLIENT, _first_client_uid),
        "office:plan_version": _demo_signed_plan,
    }
)


def _demo_intake_flag() -> dict[str, Any]:
    """Return a flag on an intake answer of a person of the demo clinician's client."""
    import datetime as dt

    from confide.clients.models import Person
    from confide.intake import services as intake
    from confide.intake.models import AnswerFlag

    record = _demo_client_of_the_demo_clinician()
    person = Person.objects.create(client_id=_client_pk(record["uid"]), name="Jordan")
    now = dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC)
    words = "Everyone would be better off without me."
    intake.answers_save(person=person, data={"reason": words}, now=now)
    return {"uid": AnswerFlag.objects.get(person=person).uid}


# Flags on intake answers (confide/office/intake_views.py): clinical roles only, within scope.
OTHER_CLINICIANS_OBJECTS["office:intake_flag_follow_up"] = _demo_intake_flag
PATH_SAMPLES["office:intake_flag_follow_up"] = _demo_intake_flag
