"""What a treatment plan says, as a value: problems, goals, objectives, interventions (pure)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Objective:
    """A measurable step toward a goal, with its target date and the measure that tracks it."""

    text: str
    target: dt.date | None = None
    # A measure's code ("phq9"), or "" when none tracks it.
    measure: str = ""


@dataclass(frozen=True)
class PlanContent:
    problems: str = ""
    goals: tuple[str, ...] = ()
    objectives: tuple[Objective, ...] = ()
    # Names of the practice's approaches chosen, and anything else in the clinician's words.
    approaches: tuple[str, ...] = ()
    other_interventions: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "problems": self.problems,
                "goals": list(self.goals),
                "objectives": [
                    {
                        "text": o.text,
                        "target": o.target.isoformat() if o.target else "",
                        "measure": o.measure,
                    }
                    for o in self.objectives
                ],
                "approaches": list(self.approaches),
                "other_interventions": self.other_interventions,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> PlanContent:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(
            problems=str(data.get("problems", "")),
            goals=tuple(str(g) for g in data.get("goals", [])),
            objectives=tuple(
                Objective(
                    text=str(o.get("text", "")),
                    target=dt.date.fromisoformat(o["target"]) if o.get("target") else None,
                    measure=str(o.get("measure", "")),
                )
                for o in data.get("objectives", [])
            ),
            approaches=tuple(str(a) for a in data.get("approaches", [])),
            other_interventions=str(data.get("other_interventions", "")),
        )

    def problems_to_sign(self) -> list[str]:
        """Return what the plan still lacks to be signed, in words; none when it is whole."""
        problems = []
        if not self.problems.strip():
            problems.append("Describe the presenting problems.")
        if not self.goals:
            problems.append("Write at least one goal.")
        if not self.objectives:
            problems.append("Write at least one objective with its target date.")
        if not (self.approaches or self.other_interventions.strip()):
            problems.append("Choose or describe the interventions.")
        return problems
