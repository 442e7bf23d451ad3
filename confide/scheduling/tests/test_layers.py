"""Which way scheduling's imports may point: the pure engine at the bottom, notifications above.

The order between the apps is confide/tests/test_layers.py's; this adds the engine's purity.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from confide.tests.test_layers import is_under as _is_under
from confide.tests.test_layers import module_imports as _imports

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[1]
# Modules that must run without Django (decision 2 and 12): the engine and its command line.
PURE = ["slots.py", "slots_spec.py"]
PURE_NAMES = {f"confide.scheduling.{name.removesuffix('.py')}" for name in PURE}
# Scheduling announces changes and never calls the apps that listen, nor the doors above it.
FORBIDDEN_ABOVE = ["confide.notifications", "confide.office", "confide.portal"]


def _scheduling_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts)


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_neither_django_nor_the_rest_of_confide(name: str) -> None:
    imported = _imports(PACKAGE / name)

    assert not [m for m in imported if _is_under(m, "django")]
    # Within Confide, only the other pure modules: anything else could bring Django in.
    confide = {m for m in imported if _is_under(m, "confide")}
    assert not [m for m in confide if not any(_is_under(m, pure) for pure in PURE_NAMES)]


def test_importing_the_slot_engine_loads_no_django() -> None:
    code = (
        "import sys\n"
        "import confide.scheduling.slots, confide.scheduling.slots_spec\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("path", _scheduling_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_scheduling_module_imports_notifications_or_a_door(path: Path) -> None:
    imported = _imports(path)

    assert not [m for m in imported for above in FORBIDDEN_ABOVE if _is_under(m, above)]


def test_the_import_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    # A control: an import hidden in a function body is still an import.
    module = tmp_path / "sneaky.py"
    module.write_text(
        "def later():\n"
        "    from confide.notifications.services import appointment_notify\n"
        "    from confide import office\n"
    )

    assert _imports(module) >= {
        "confide.notifications.services",
        "confide.notifications.services.appointment_notify",
        "confide.office",
    }
