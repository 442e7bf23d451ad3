"""ICD-10-CM codes a superbill may carry, searchable, from the simple-icd-10-cm package.

The package parses the whole classification when imported (several seconds and about 90 MB), so
it is never imported by the web processes: a child process writes the billable codes and their
descriptions once per package version to a small cache file, which the search reads.

    python -m confide.billing.icd10 PATH   # write the index to PATH (what the child runs)
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path

# Shown first in a search: mental and behavioural disorders, then the factors (Z codes) and
# symptoms (R40-R46) a psychotherapist most often records.
_FIRST = ("F", "Z", "R4")

_lock = threading.Lock()


def package_version() -> str:
    return metadata.version("simple-icd-10-cm")


def _build(path: Path) -> None:
    """Write every billable code (a leaf of the classification) with its description."""
    import simple_icd_10_cm as cm

    all_codes = cm.get_all_codes(with_dots=False)
    entries = []
    # The list is in the classification's order, each code before its own subdivisions, so a
    # code is billable (a leaf) when the next one does not extend it. The package's own helpers
    # for this (and for placing the dot) search the whole list per call: minutes, not a second.
    for position, code in enumerate(all_codes):
        if code.isdigit() or "-" in code:  # a chapter or a block of categories
            continue
        following = all_codes[position + 1] if position + 1 < len(all_codes) else ""
        if not following.startswith(code):
            dotted = code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"
            entries.append([dotted, cm.get_description(code)])
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({"version": package_version(), "codes": entries}))
    partial.replace(path)


def _index_path() -> Path:
    from django.conf import settings

    return Path(settings.ICD10_INDEX_DIR) / f"icd10cm-{package_version()}.json"


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[str, str, str], ...]:
    """Return (code, description, lowercase search text), mental health codes first."""
    path = _index_path()
    with _lock:
        if not path.exists():
            # From the project's root, so the child imports this same code whatever the
            # server's working directory.
            subprocess.run(  # noqa: S603 (our own module, with our own interpreter)
                [sys.executable, "-m", "confide.billing.icd10", str(path)],
                check=True,
                cwd=Path(__file__).resolve().parents[2],
            )
    entries = json.loads(path.read_text())["codes"]
    rows = [
        (code, text, f"{code.lower()} {code.replace('.', '').lower()} {text.lower()}")
        for code, text in entries
    ]
    rows.sort(key=lambda row: (not row[0].startswith(_FIRST), row[0]))
    return tuple(rows)


def search(query: str, *, limit: int = 25) -> list[tuple[str, str]]:
    """Return up to ``limit`` (code, description) whose code or words match every term."""
    terms = query.lower().split()
    if not terms:
        return []
    found: list[tuple[str, str]] = []
    for code, text, haystack in _index():
        if all(term in haystack for term in terms):
            found.append((code, text))
            if len(found) >= limit:
                break
    return found


def describe(code: str) -> str | None:
    """Return the description of a billable code, or None when it is not one."""
    return _descriptions().get(code.upper())


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    return {code: text for code, text, _ in _index()}


if __name__ == "__main__":
    _build(Path(sys.argv[1]))
