"""The allauth internals Confide leans on keep their names, signatures and behaviour.

allauth may change anything under an ``internal`` package in any release. When one of these
tests fails after an upgrade, the message says what changed; adapt ``allauth_internals.py`` and
its callers, then raise the pin in requirements/base.in.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.test import RequestFactory

from confide.accounts import allauth_internals
from confide.accounts.allauth_internals import (
    TOTP,
    RecoveryCodes,
    format_hotp_value,
    hotp_value,
    record_authentication,
)

ROOT = Path(__file__).resolve().parents[3]
ADAPTER = Path(allauth_internals.__file__).resolve()

# Each name Confide takes from allauth's internals, how Confide calls it, and who does.
CONTRACT: dict[str, tuple[str, str]] = {
    "record_authentication": (
        "(request, user, method, **extra_data)",
        "accounts/sessions.py (second factor records) and accounts/testing.py",
    ),
    "get_ip": ("(request)", "accounts/tests/test_client_address.py"),
    "TOTP": ("(instance)", "accounts/testing.py and demo/loading.py"),
    "TOTP.activate": ("(user, secret)", "accounts/testing.py and demo/loading.py"),
    "RecoveryCodes": ("(instance)", "accounts/tests"),
    "RecoveryCodes.activate": ("(user)", "accounts/testing.py and demo/loading.py"),
    "RecoveryCodes.get_unused_codes": ("(self)", "accounts/tests"),
    "format_hotp_value": ("(value)", "the demo_code command and accounts/testing.py"),
    "hotp_value": ("(secret, counter)", "the demo_code command and accounts/testing.py"),
    "generate_totp_secret": ("(length=20)", "the load_demo command in production"),
    "validate_totp_code": ("(secret, code)", "accounts/mfa_forms.py (a code already used)"),
}


def _resolve(dotted: str) -> Callable[..., Any]:
    target: Any = allauth_internals
    for part in dotted.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def _call_shape(target: Callable[..., Any]) -> str:
    """Return the signature without annotations: names, kinds and defaults are what calls need."""
    parameters = [
        p.replace(annotation=inspect.Parameter.empty)
        for p in inspect.signature(target).parameters.values()
    ]
    return str(inspect.Signature(parameters))


def test_the_adapter_re_exports_exactly_the_names_confide_uses() -> None:
    names = {name.split(".")[0] for name in CONTRACT}
    assert set(allauth_internals.__all__) == names, (
        "confide/accounts/allauth_internals.py and this test's CONTRACT disagree: "
        "every allauth internal Confide uses must be listed (and checked) here"
    )


@pytest.mark.parametrize(("name", "expected", "used_by"), [(n, *c) for n, c in CONTRACT.items()])
def test_each_allauth_internal_keeps_the_signature_confide_calls(
    name: str, expected: str, used_by: str
) -> None:
    try:
        target = _resolve(name)
    except AttributeError:
        pytest.fail(f"allauth no longer has {name}, used by {used_by}")
    actual = _call_shape(target)
    assert actual == expected, (
        f"allauth changed {name}: Confide calls it as {expected}, it is now {actual}. "
        f"Adapt {used_by} before raising the pin in requirements/base.in."
    )


def _internal_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        modules = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        found += [m for m in modules if m.startswith("allauth.") and "internal" in m.split(".")]
    return found


def test_only_the_adapter_imports_allauth_internals() -> None:
    sources = [*ROOT.glob("confide/**/*.py"), *ROOT.glob("e2e/**/*.py"), ROOT / "conftest.py"]
    offenders = {
        str(path.relative_to(ROOT)): modules
        for path in sources
        if path.resolve() != ADAPTER and (modules := _internal_imports(path))
    }
    assert offenders == {}, "import allauth internals from confide.accounts.allauth_internals"


# RFC 4226, appendix D: the secret "12345678901234567890" and its first codes.
RFC_4226_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.mark.parametrize(
    ("counter", "code"), [(0, "755224"), (1, "287082"), (2, "359152"), (9, "520489")]
)
def test_hotp_codes_are_the_ones_authenticator_apps_show(counter: int, code: str) -> None:
    assert format_hotp_value(hotp_value(RFC_4226_SECRET, counter)) == code, (
        "allauth's HOTP codes changed: the demo_code command and totp_code() would print codes "
        "an authenticator app does not show"
    )


def test_a_short_code_keeps_its_leading_zeros() -> None:
    assert format_hotp_value(42) == "000042"


@pytest.mark.django_db
def test_a_recorded_second_factor_is_read_back_from_the_session() -> None:
    user = User.objects.create_user("reader", "reader@example.org", "reader-password-123")
    request = RequestFactory().get("/")
    request.session = SessionBase()
    request.user = user

    record_authentication(request, user, method="mfa", type="totp")

    records = get_authentication_records(request, user)
    assert [(r["method"], r["type"]) for r in records] == [("mfa", "totp")], (
        "allauth keeps authentication records elsewhere: confide.accounts.sessions would never "
        "see a second factor as done"
    )


@pytest.mark.django_db
def test_activating_an_authenticator_app_and_codes_stores_them_for_the_user() -> None:
    user = User.objects.create_user("keeper", "keeper@example.org", "keeper-password-123")

    totp = TOTP.activate(user, RFC_4226_SECRET)
    codes = RecoveryCodes.activate(user)

    assert isinstance(totp.instance, Authenticator)
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    unused = RecoveryCodes(codes.instance).get_unused_codes()
    assert len(unused) == getattr(settings, "MFA_RECOVERY_CODE_COUNT", 10)
    assert all(isinstance(code, str) for code in unused)
