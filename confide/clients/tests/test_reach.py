"""A person's contact wishes: one value, one form for every door, phrased the same everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from confide.clients.forms import ReachForm
from confide.clients.reach import Reach
from confide.forms import WithPartsMixin
from confide.scheduling.forms import ContactForm


@pytest.mark.parametrize(
    ("wishes", "summary"),
    [
        ({}, ["Contact by no method chosen"]),
        ({"may_email": True}, ["Contact by email"]),
        (
            {"may_call": True, "may_text": True},
            ["Contact by call, text", "no voicemail", "don't name the practice"],
        ),
        (
            {"may_call": True, "voicemail_ok": True, "may_name_practice": True},
            ["Contact by call", "voicemail OK", "may name the practice"],
        ),
        # Voicemail and naming the practice only matter when they may be called.
        ({"may_text": True, "voicemail_ok": True}, ["Contact by text"]),
        (
            {"may_email": True, "safe_times": "after 6 pm"},
            ["Contact by email", "safe times: after 6 pm"],
        ),
    ],
)
def test_the_summary_puts_the_way_to_reach_first(
    wishes: dict[str, Any], summary: list[str]
) -> None:
    assert Reach(name="Sam", **wishes).summary() == summary


@pytest.mark.parametrize(
    ("details", "channels"),
    [
        ({}, []),
        ({"email": "sam@example.org"}, ["email"]),
        # An address given is used for reminders even unticked; texts need both a yes and a number.
        ({"email": "sam@example.org", "may_text": True}, ["email"]),
        ({"phone": "212-555-0120"}, []),
        ({"phone": "212-555-0120", "may_text": True}, ["text"]),
        (
            {"email": "sam@example.org", "phone": "212-555-0120", "may_text": True},
            ["email", "text"],
        ),
    ],
)
def test_reminders_go_by_the_channels_the_person_allows(
    details: dict[str, Any], channels: list[str]
) -> None:
    assert Reach(name="Sam", **details).channels() == channels


def test_a_partners_fields_are_named_with_the_prefix_and_labelled_as_the_partners() -> None:
    form = ReachForm(prefix="partner", partner=True)

    html = form.as_div()

    assert 'name="partner_email"' in html
    assert 'id="id_partner_may_call"' in html
    assert [form[n].label for n in ("name", "email", "phone", "may_call")] == [
        "Partner's name",
        "Partner's email",
        "Partner's phone",
        "May call",
    ]


def test_the_public_form_asks_in_the_persons_own_words() -> None:
    form = ContactForm()

    assert [form[n].label for n in ("name", "may_call", "voicemail_ok")] == [
        "What should we call you?",
        "Call me",
        "It's OK to leave a voicemail",
    ]
    assert form.legends == ("How to reach you", "How may we contact you?")
    # The browser fills in the person's own address; in the office it would fill in staff's.
    assert form["email"].field.widget.attrs["autocomplete"] == "email"
    assert "autocomplete" not in ReachForm()["email"].field.widget.attrs


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "Lee", "may_text": "on"},
            "phone",
            "Give a phone number, or untick calls and texts.",
        ),
        ({"name": "Lee", "may_email": "on"}, "email", "Give an email address, or untick email."),
        (
            {"name": "Lee", "email": "lee@"},
            "email",
            "Enter an email address like name@example.org.",
        ),
        ({"name": "Lee", "phone": "call me"}, "phone", "Enter a phone number using digits"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_the_office_gets_the_same_checks_as_the_public(
    data: dict[str, str], field: str, message: str
) -> None:
    form = ReachForm(data)

    assert not form.is_valid()
    assert message in " ".join(str(e) for e in form.errors[field])


def test_a_partner_needs_a_name_and_a_way_to_reach_them() -> None:
    form = ReachForm({"partner_name": " "}, prefix="partner", partner=True, needs_reach=True)

    assert form.errors == {
        "name": ["A couple needs both partners' names."],
        "email": ["Give the partner's email address or phone number."],
    }


def test_only_the_person_themselves_is_taken_to_mean_the_address_they_gave() -> None:
    public = ContactForm({"name": "Sam", "email": "sam@example.org", "for_couple": "0"})
    office = ReachForm({"name": "Sam", "email": "sam@example.org"})

    assert public.is_valid()
    assert office.is_valid()
    # Someone who gives only an address expects to be reached there; the office ticks for itself.
    assert (public.reach().may_email, office.reach().may_email) == (True, False)


def test_the_form_gives_one_value_with_the_text_cleaned() -> None:
    form = ReachForm(
        {
            "name": "\u202eSam ",
            "phone": "212-555-0120",
            "may_call": "on",
            "safe_times": "noon\u200b",
        }
    )

    assert form.is_valid(), form.errors
    assert form.reach() == Reach(name="Sam", phone="212-555-0120", may_call=True, safe_times="noon")


class _OwnReach(ReachForm):
    voice = "person"


class _WithPartner(WithPartsMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner = self.part(_OwnReach, prefix="partner", in_play=True, needs_reach=True)


def test_a_parts_problems_are_the_whole_forms() -> None:
    form = _WithPartner({"partner_name": "Lee", "partner_email": "lee@"})

    assert not form.is_valid()
    assert form.errors == {"partner_email": ["Enter an email address like name@example.org."]}
    # The error summary walks the form's fields: the part's are among them.
    assert "partner_email" in [field.html_name for field in form]


def test_a_parts_form_wide_problem_is_listed_with_the_forms_own() -> None:
    form = _WithPartner({"partner_name": "Lee"})

    assert form.non_field_errors() == [
        "Give an email address or a phone number, so we can reach you."
    ]


def test_a_person_without_a_name_is_asked_for_any_name_in_plain_words() -> None:
    form = _OwnReach({"name": " ", "email": "sam@example.org", "may_email": "on"})

    assert not form.is_valid()
    assert form.errors["name"] == ["Give a name to call you by; any name is fine."]
