"""A plan's content as a value: its JSON round trip, and what it lacks before signing."""

from __future__ import annotations

import datetime as dt

import pytest

from confide.plans.content import Objective, PlanContent

WHOLE = PlanContent(
    problems="Shame after conflict",
    goals=("Speak up in conflict",),
    objectives=(Objective("GAD-7 below 5", dt.date(2030, 4, 1), "gad7"),),
    approaches=("EMDR", "Clinical hypnosis"),
    other_interventions="Breathing practice",
)


def test_content_comes_back_from_json_as_it_went_in() -> None:
    assert PlanContent.from_json(WHOLE.to_json()) == WHOLE
    assert PlanContent.from_json("") == PlanContent()


@pytest.mark.parametrize(
    ("changes", "lacking"),
    [
        ({}, []),
        ({"problems": "  "}, ["Describe the presenting problems."]),
        ({"goals": ()}, ["Write at least one goal."]),
        ({"objectives": ()}, ["Write at least one objective with its target date."]),
        ({"approaches": ()}, []),  # the clinician's own words are enough
        ({"approaches": (), "other_interventions": ""}, ["Choose or describe the interventions."]),
    ],
)
def test_a_plan_lacks_what_it_does_not_say(changes: dict[str, object], lacking: list[str]) -> None:
    content = PlanContent(**{**WHOLE.__dict__, **changes})
    assert content.problems_to_sign() == lacking
