"""The demo therapist signs in with what `make run` prints, second factor included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings

from confide.accounts.management.commands.demo_code import current_code
from confide.accounts.models import StaffProfile
from confide.demo.loading import demo_load
from confide.practice.demo import DEMO_TOTP_SECRET, DEMO_USERNAME
from confide.practice.models import Clinician

pytestmark = pytest.mark.django_db


def test_the_demo_therapist_is_the_owner_and_the_demo_clinician(demo: None) -> None:
    user = User.objects.get(username=DEMO_USERNAME)
    profile = StaffProfile.objects.get(user=user)
    assert profile.role == StaffProfile.Role.OWNER
    assert profile.clinician == Clinician.objects.get()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_loading_twice_changes_nothing(demo: None) -> None:
    assert demo_load().created == 0
    assert Authenticator.objects.filter(user__username=DEMO_USERNAME).count() == 2


def test_the_demo_code_matches_a_known_totp_vector() -> None:
    # RFC 6238's SHA-1 test secret ("12345678901234567890"), at 59 s: 94287082 → 287082.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert current_code(secret, now=59) == ("287082", 1)


def test_load_demo_prints_how_to_sign_in(db: None, settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    username, password, secret = (tmp_path / "demo-login.txt").read_text().split()
    assert f"user: {username}" in printed
    assert f"password: {password}" in printed
    assert "manage.py demo_code" in printed
    assert secret == DEMO_TOTP_SECRET
    assert secret in printed


def test_the_demo_therapist_signs_in_with_the_printed_password_and_code(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    username, password, _ = (tmp_path / "demo-login.txt").read_text().split()
    out = io.StringIO()
    call_command("demo_code", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()

    client = Client()
    client.post("/office/account/login/", {"login": username, "password": password})
    response = client.post("/office/account/2fa/authenticate/", {"code": code})

    assert response["Location"] == "/office/"
    assert client.get("/office/").status_code == 200


def test_demo_code_refuses_production(demo: None, settings: Settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_code")


def test_load_demo_in_production_makes_a_secret_of_its_own(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    settings.PRODUCTION = True
    settings.VAR_DIR = tmp_path
    call_command("load_demo", "--allow-production", stdout=io.StringIO())
    secret = (tmp_path / "demo-login.txt").read_text().split()[2]
    assert secret != DEMO_TOTP_SECRET
