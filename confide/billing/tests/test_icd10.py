"""The searchable ICD-10-CM codes, written once from the package and read from a cache file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from confide.billing import icd10


@pytest.fixture
def fresh_index(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    settings.ICD10_INDEX_DIR = str(tmp_path)
    icd10._index.cache_clear()
    icd10._descriptions.cache_clear()
    yield tmp_path
    icd10._index.cache_clear()
    icd10._descriptions.cache_clear()


def test_the_index_is_written_once_from_the_package(fresh_index: Path) -> None:
    assert icd10.describe("F43.10") == "Post-traumatic stress disorder, unspecified"
    (written,) = fresh_index.glob("icd10cm-*.json")
    data = json.loads(written.read_text())
    assert data["version"] == icd10.package_version()
    # Only billable codes: a category with subdivisions is not one.
    codes = {code for code, _ in data["codes"]}
    assert "F43.10" in codes
    assert "F43.1" not in codes
    assert len(codes) > 70_000


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ptsd", None),  # not a word the classification uses: nothing, rather than a guess
        ("post-traumatic stress", "F43.10"),
        ("F4310", "F43.10"),
        ("f43.1", "F43.10"),
        ("childhood neglect history", "Z62.812"),
    ],
)
def test_search_finds_codes_by_code_or_words(query: str, expected: str | None) -> None:
    found = [code for code, _ in icd10.search(query)]
    if expected is None:
        assert found == []
    else:
        assert expected in found


def test_mental_health_codes_come_first() -> None:
    found = [code for code, _ in icd10.search("anxiety")]
    assert found
    assert found[0].startswith(("F", "Z", "R4"))


def test_a_category_or_a_made_up_code_is_not_billable() -> None:
    assert icd10.describe("F43") is None
    assert icd10.describe("XYZ") is None
