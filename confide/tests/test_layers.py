"""Which way the apps' imports point (decision 12): an import against the recorded order fails."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]

# Doors sit above the domain and hold no rules; demo loading may call every app. No domain app
# imports them.
ABOVE_THE_DOMAIN = ("confide.office", "confide.portal", "confide.demo")
DOMAIN = (
    "confide.lib",
    "confide.keys",
    "confide.practice",
    "confide.audit",
    "confide.accounts",
    "confide.clients",
    "confide.scheduling",
    "confide.notifications",
)
# What each domain app must not import, besides the doors, and why.
BELOW: dict[str, tuple[tuple[str, ...], str]] = {
    "confide.practice": (
        ("confide.accounts", "confide.audit", "confide.clients", "confide.scheduling",
         "confide.notifications"),
        "the practice and its site are what every other app builds on",
    ),
    "confide.audit": (
        ("confide.accounts", "confide.clients", "confide.scheduling", "confide.notifications"),
        "the audit log sits below sign-in, the limiters and the records that write to it",
    ),
    "confide.clients": (
        ("confide.scheduling", "confide.notifications"),
        "scheduling builds on clients: it makes requests and calls screening",
    ),
    "confide.scheduling": (
        ("confide.notifications",),
        "scheduling announces changes; notifications listen",
    ),
}  # fmt: skip


def module_imports(path: Path) -> set[str]:
    """Return every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            # "from confide import notifications" names the module in the alias.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def is_under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def forbidden_imports(path: Path, app: str) -> list[tuple[str, str]]:
    """Return the imports of a module of ``app`` against the recorded order, each with why."""
    if app not in DOMAIN:
        return []
    rules = [
        (package, "doors and demo loading sit above the domain") for package in ABOVE_THE_DOMAIN
    ]
    below, why = BELOW.get(app, ((), ""))
    rules += [(package, why) for package in below]
    if app != "confide.notifications":
        rules.append(("confide.notifications", "notifications listen; nothing below calls them"))
    return sorted(
        {
            (name, reason)
            for name in module_imports(path)
            for package, reason in rules
            if is_under(name, package)
        }
    )


def _modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
        and len(path.relative_to(PACKAGE).parts) > 1
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_app_imports_one_above_it(path: Path) -> None:
    relative = path.relative_to(PACKAGE)
    app = f"confide.{relative.parts[0]}"

    assert list(forbidden_imports(path, app)) == []


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("confide.clients", "from confide.scheduling.selectors import client_appointments\n"),
        ("confide.clients", "def later():\n    from confide import notifications\n"),
        ("confide.scheduling", "import confide.notifications.emails\n"),
        ("confide.audit", "from confide.accounts.ratelimit import client_address\n"),
        ("confide.practice", "from confide.scheduling.demo import scheduling_demo_load\n"),
        ("confide.notifications", "from confide.office import views\n"),
        ("confide.accounts", "from confide.demo.loading import demo_load\n"),
    ],
)
def test_the_check_sees_an_import_against_the_order(tmp_path: Path, app: str, source: str) -> None:
    # A control: each kind of wrong import, at the top or inside a function, is reported.
    module = tmp_path / "sneaky.py"
    module.write_text(source)

    assert forbidden_imports(module, app) != []


def test_the_check_lets_an_app_import_those_below_it(tmp_path: Path) -> None:
    module = tmp_path / "fine.py"
    module.write_text(
        "from confide.clients.models import ConsultationRequest\n"
        "from confide.audit.services import audit_record\n"
        "from confide.lib.request_address import client_address\n"
    )

    assert forbidden_imports(module, "confide.scheduling") == []
