"""An error report shows none of what a person typed."""

from __future__ import annotations

import sys

from django.conf import settings
from django.test import RequestFactory

from confide.reporting import ClinicalTextExceptionReporter

CANARY = "CANARY-c7d2-in-a-failed-save"


def _report_of_a_failed_save() -> tuple[str, str]:
    request = RequestFactory().post(
        f"/office/notes/new/?q={CANARY}-query",
        {"text": f"{CANARY}-posted"},
    )
    sections = {"text": f"{CANARY}-local"}  # a view's local, as in a note save
    try:
        raise RuntimeError("the save failed")
    except RuntimeError:
        reporter = ClinicalTextExceptionReporter(request, *sys.exc_info())
    assert sections
    return reporter.get_traceback_text(), reporter.get_traceback_html()


def test_the_project_reports_errors_with_its_own_reporter() -> None:
    assert settings.DEFAULT_EXCEPTION_REPORTER == "confide.reporting.ClinicalTextExceptionReporter"


def test_a_report_hides_posted_fields_locals_and_query_values() -> None:
    text, html = _report_of_a_failed_save()

    assert "the save failed" in text  # the report itself is there
    assert "sections" in html  # the local is named, its value is not
    assert "/office/notes/new/" in text
    assert CANARY not in text
    assert CANARY not in html


def test_the_report_is_hidden_with_debug_on_too(settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]

    text, html = _report_of_a_failed_save()

    assert CANARY not in text
    assert CANARY not in html
