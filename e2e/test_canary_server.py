"""A phrase sent to a real server in every clinical field rests nowhere in clear.

Every table is searched, sessions and the cache included, with their values decoded (base64,
compression) as well as raw, and so is everything the server printed: its access log in the
format the production guide documents, its error log and the application's own log.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import time
import zlib
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection
from pytest_django.fixtures import Settings

from confide.accounts.sessions import AUTH_RECORDS_KEY, SIGNED_IN_AT
from confide.accounts.testing import totp_code
from confide.clients import services
from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.clients.services import PersonDetails
from confide.practice.models import Clinician
from e2e import servers
from e2e.concurrency.visitors import Response, Visitor

pytestmark = pytest.mark.django_db(transaction=True)

CANARY = "CANARY-3b9d-said-at-night"
# Stored through the cache by this test: the scan must find it there, or it proves nothing.
CONTROL = "CONTROL-51ae-cache-value"
PASSWORD = "correct-horse-battery-9"
_SEGMENT = re.compile(r"[A-Za-z0-9_\-+/=]{16,}")


def _decodings(text: str) -> list[bytes]:
    """Return the text and every base64 run inside it, decoded and, where it is, decompressed."""
    found = [text.encode()]
    for run in _SEGMENT.findall(text):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(run + "=" * (-len(run) % 4))
            except (binascii.Error, ValueError):
                continue
            found.append(raw)
            with contextlib.suppress(zlib.error):
                found.append(zlib.decompress(raw))
    return found


def _every_table() -> dict[str, bytes]:
    """Return each table's rows, raw and decoded, as bytes to search."""
    tables: dict[str, bytes] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks = [
                decoded
                for row in cursor.fetchall()
                for value in row
                if value is not None
                for decoded in _decodings(
                    value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                )
            ]
            tables[table] = b"\n".join(chunks)
    return tables


def _sign_in(base_url: str, user: User) -> Visitor:
    visitor = Visitor(base_url)
    assert visitor.get("/office/account/login/").status == 200
    step = visitor.post("/office/account/login/", {"login": user.username, "password": PASSWORD})
    assert step.status == 302, step.body[:300]
    assert visitor.get(step.location).status == 200
    done = visitor.post(step.location, {"code": totp_code(user)})
    assert done.status == 302, done.body[:300]
    return visitor


def _password_goes_stale(visitor: Visitor) -> None:
    """Age the password this browser's session proved past the five-minute window."""
    session = SessionStore(session_key=visitor.cookies["sessionid"])
    records = session[AUTH_RECORDS_KEY]
    for record in records:
        record["at"] = time.time() - 301
    session[AUTH_RECORDS_KEY] = records
    session.save()


def _follow(visitor: Visitor, response: Response) -> Response:
    while response.status in (301, 302, 303):
        response = visitor.get(response.location)
    return response


def test_the_canary_rests_in_no_table_and_in_no_server_log(
    demo: None, settings: Settings, tmp_path: Path
) -> None:
    # The server checks the password with the real hasher, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    clinician = Clinician.objects.get(slug="hannah-brenner")
    therapist = User.objects.get(username="therapist")
    therapist.set_password(PASSWORD)
    therapist.save()
    record = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name="Quinn", email="quinn@example.org")],
        display_name="Quinn",
        clinician_id=clinician.pk,
        actor=therapist,
        request=None,
    )
    cache.set("confide-canary-control", CONTROL, 600)
    access_log, server_log = tmp_path / "access.log", tmp_path / "server.log"
    new_note = f"/office/clients/{record.uid}/notes/new/?template=free&kind="

    env = servers.test_server_environment()
    with servers.run_gunicorn(
        env=env,
        workers=1,
        threads=2,
        access_log=access_log,
        access_log_format=None,  # as gunicorn.conf.py, the documented configuration, writes it
        server_log=server_log,
    ) as base_url:
        visitor = Visitor(base_url)
        assert visitor.get("/book/ask/").status == 200
        asked = visitor.post(
            "/book/ask/",
            {
                "name": "Sky",
                "email": "sky@example.org",
                "for_couple": "0",
                "may_email": "on",
                "note": f"{CANARY} request",
                "preferred_times": f"{CANARY} times",
                "safe_times": f"{CANARY} safe",
            },
        )
        assert asked.status == 302, asked.body[:500]

        office = _sign_in(base_url, therapist)
        assert office.get(f"/office/clients/?q={CANARY}").status == 200
        assert office.get(f"{new_note}progress").status == 200
        progress = office.post(f"{new_note}progress", {"text": f"{CANARY} progress"})
        assert progress.status == 302
        # Too long: refused next to the field, and the refusal is logged without the text.
        refused = office.post(f"{new_note}progress", {"text": f"{CANARY} " + "x" * 20_001})
        assert refused.status == 400
        assert office.get(f"{new_note}psychotherapy").status == 200
        _password_goes_stale(office)
        prompt = office.post(f"{new_note}psychotherapy", {"text": f"{CANARY} process"})
        assert "/reauthenticate/" in prompt.location
        assert office.get(prompt.location).status == 200
        saved = _follow(office, office.post(prompt.location, {"password": PASSWORD}))
        assert saved.status == 200
        assert "Draft saved" in saved.body

    texts = {n.kind: n.sections["text"] for n in ClinicalNote.objects.filter(client=record)}
    assert texts == {"progress": f"{CANARY} progress", "psychotherapy": f"{CANARY} process"}
    assert CANARY in ConsultationRequest.objects.get(name="Sky").note

    tables = _every_table()
    assert CONTROL.encode() in tables[settings.CACHES["default"]["LOCATION"]]
    assert SIGNED_IN_AT.encode() in tables["django_session"]  # sessions were decoded
    assert [name for name, text in tables.items() if CANARY.encode() in text] == []

    logged = access_log.read_text() + server_log.read_text()
    assert "/office/clients/" in access_log.read_text()  # the access log was really written
    assert CANARY not in logged
