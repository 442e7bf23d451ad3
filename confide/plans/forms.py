"""The office's form of a treatment plan: problems, goals, objectives, interventions, review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from confide.forms import CleanTextMixin
from confide.measures.models import Code
from confide.plans.content import Objective, PlanContent

OBJECTIVE_ROWS = 5
TEXT_MAX = 6000


class PlanForm(CleanTextMixin, forms.Form):
    problems = forms.CharField(
        label="Presenting problems",
        help_text="In your own words.",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    goals = forms.CharField(
        label="Goals",
        help_text="One goal a line.",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    approaches = forms.MultipleChoiceField(
        label="Interventions from the practice's approaches",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_interventions = forms.CharField(
        label="Other interventions",
        help_text="Optional.",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_on = forms.DateField(
        label="Review by",
        help_text="The plan shows on Today from this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Choose the date to review the plan by."},
    )

    def __init__(self, *args: Any, approaches: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["approaches"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(name, name) for name in approaches]
        measures = [("", "None"), *Code.choices]
        for n in range(1, OBJECTIVE_ROWS + 1):
            self.fields[f"objective_{n}"] = forms.CharField(
                label=f"Objective {n}", max_length=600, required=False
            )
            self.fields[f"objective_{n}_target"] = forms.DateField(
                label=f"Objective {n}: target date",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"objective_{n}_measure"] = forms.ChoiceField(
                label=f"Objective {n}: tracked by", choices=measures, required=False
            )

    def objective_rows(self) -> list[dict[str, Any]]:
        """Return each objective's fields together, for the template."""
        return [
            {
                "number": n,
                "text": self[f"objective_{n}"],
                "target": self[f"objective_{n}_target"],
                "measure": self[f"objective_{n}_measure"],
            }
            for n in range(1, OBJECTIVE_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, OBJECTIVE_ROWS + 1):
            text = (data.get(f"objective_{n}") or "").strip()
            target = data.get(f"objective_{n}_target")
            if text and target is None and f"objective_{n}_target" not in self.errors:
                self.add_error(f"objective_{n}_target", "Give the objective a target date.")
            if not text and (target or data.get(f"objective_{n}_measure")):
                self.add_error(f"objective_{n}", "Write the objective, or clear its date.")
        return data

    def content(self) -> PlanContent:
        data = self.cleaned_data
        objectives = []
        for n in range(1, OBJECTIVE_ROWS + 1):
            text = data[f"objective_{n}"].strip()
            if text:
                target: dt.date | None = data[f"objective_{n}_target"]
                objectives.append(Objective(text, target, data[f"objective_{n}_measure"] or ""))
        return PlanContent(
            problems=data["problems"].strip(),
            goals=tuple(line.strip() for line in data["goals"].splitlines() if line.strip()),
            objectives=tuple(objectives),
            approaches=tuple(data["approaches"]),
            other_interventions=data["other_interventions"].strip(),
        )

    @staticmethod
    def initial_from(content: PlanContent, review_on: dt.date | None) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "problems": content.problems,
            "goals": "\n".join(content.goals),
            "approaches": list(content.approaches),
            "other_interventions": content.other_interventions,
            "review_on": review_on,
        }
        for n, objective in enumerate(content.objectives[:OBJECTIVE_ROWS], start=1):
            initial[f"objective_{n}"] = objective.text
            initial[f"objective_{n}_target"] = objective.target
            initial[f"objective_{n}_measure"] = objective.measure
        return initial
