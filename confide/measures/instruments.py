"""The questionnaires, their published wording, and how each is scored; no Django imports.

Each instrument's items are its published wording, reproduced as its terms allow. Scoring is a
plain sum of the chosen options' values, banded with the published cut-offs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    options: tuple[Option, ...]

    @property
    def key(self) -> str:
        return f"item{self.number}"

    @property
    def highest(self) -> int:
        return max(option.value for option in self.options)


@dataclass(frozen=True)
class Band:
    """A range of total scores, both ends included, and what the range is called."""

    low: int
    high: int
    label: str
    # A few words for the edge of a chart; the label when empty.
    short: str = ""

    def holds(self, score: int) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    title: str
    stem: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    attribution: str
    # Item numbers whose answer above zero raises a flag for the therapist.
    flag_items: tuple[int, ...] = ()
    # Lower totals mean more distress (CSI-4); a chart then reads "higher is better".
    higher_is_better: bool = False
    couples_only: bool = False

    @property
    def lowest(self) -> int:
        return sum(min(o.value for o in item.options) for item in self.items)

    @property
    def highest(self) -> int:
        return sum(item.highest for item in self.items)

    def item(self, number: int) -> Item:
        return self.items[number - 1]


class ScoringError(ValueError):
    """Answers that cannot be scored: an item missing, unknown or out of range."""


@dataclass(frozen=True)
class Score:
    total: int
    band: str
    flagged_items: tuple[int, ...]


def _options(*labels: str) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in enumerate(labels))


_TWO_WEEKS = _options("Not at all", "Several days", "More than half the days", "Nearly every day")
_PFIZER = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)

PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    title="Patient Health Questionnaire (PHQ-9)",
    stem="Over the last 2 weeks, how often have you been bothered by any of the following "
    "problems?",
    items=tuple(
        Item(number, text, _TWO_WEEKS)
        for number, text in enumerate(
            (
                "Little interest or pleasure in doing things",
                "Feeling down, depressed, or hopeless",
                "Trouble falling or staying asleep, or sleeping too much",
                "Feeling tired or having little energy",
                "Poor appetite or overeating",
                "Feeling bad about yourself \u2014 or that you are a failure or have let "
                "yourself or your family down",
                "Trouble concentrating on things, such as reading the newspaper or watching "
                "television",
                "Moving or speaking so slowly that other people could have noticed? Or the "
                "opposite \u2014 being so fidgety or restless that you have been moving around "
                "a lot more than usual",
                "Thoughts that you would be better off dead or of hurting yourself in some way",
            ),
            start=1,
        )
    ),
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 19, "Moderately severe"),
        Band(20, 27, "Severe"),
    ),
    attribution=_PFIZER,
    flag_items=(9,),
)

GAD7 = Instrument(
    code="gad7",
    name="GAD-7",
    title="Generalized Anxiety Disorder scale (GAD-7)",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=tuple(
        Item(number, text, _TWO_WEEKS)
        for number, text in enumerate(
            (
                "Feeling nervous, anxious or on edge",
                "Not being able to stop or control worrying",
                "Worrying too much about different things",
                "Trouble relaxing",
                "Being so restless that it is hard to sit still",
                "Becoming easily annoyed or irritable",
                "Feeling afraid as if something awful might happen",
            ),
            start=1,
        )
    ),
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 21, "Severe"),
    ),
    attribution=_PFIZER,
)

_PCL5_OPTIONS = _options("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely")

PCL5 = Instrument(
    code="pcl5",
    name="PCL-5",
    title="PTSD Checklist for DSM-5 (PCL-5)",
    stem="Below is a list of problems that people sometimes have in response to a very "
    "stressful experience. Please read each problem carefully and then choose one answer to "
    "indicate how much you have been bothered by that problem in the past month. In the past "
    "month, how much were you bothered by:",
    items=tuple(
        Item(number, text, _PCL5_OPTIONS)
        for number, text in enumerate(
            (
                "Repeated, disturbing, and unwanted memories of the stressful experience?",
                "Repeated, disturbing dreams of the stressful experience?",
                "Suddenly feeling or acting as if the stressful experience were actually "
                "happening again (as if you were actually back there reliving it)?",
                "Feeling very upset when something reminded you of the stressful experience?",
                "Having strong physical reactions when something reminded you of the stressful "
                "experience (for example, heart pounding, trouble breathing, sweating)?",
                "Avoiding memories, thoughts, or feelings related to the stressful experience?",
                "Avoiding external reminders of the stressful experience (for example, people, "
                "places, conversations, activities, objects, or situations)?",
                "Trouble remembering important parts of the stressful experience?",
                "Having strong negative beliefs about yourself, other people, or the world (for "
                "example, having thoughts such as: I am bad, there is something seriously wrong "
                "with me, no one can be trusted, the world is completely dangerous)?",
                "Blaming yourself or someone else for the stressful experience or what happened "
                "after it?",
                "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
                "Loss of interest in activities that you used to enjoy?",
                "Feeling distant or cut off from other people?",
                "Trouble experiencing positive feelings (for example, being unable to feel "
                "happiness or have loving feelings for people close to you)?",
                "Irritable behavior, angry outbursts, or acting aggressively?",
                "Taking too many risks or doing things that could cause you harm?",
                "Being \u201csuperalert\u201d or watchful or on guard?",
                "Feeling jumpy or easily startled?",
                "Having difficulty concentrating?",
                "Trouble falling or staying asleep?",
            ),
            start=1,
        )
    ),
    # 31-33 is the commonly cited provisional cut-off for probable PTSD.
    bands=(
        Band(0, 30, "Below the provisional cut-off"),
        Band(31, 33, "Within the provisional cut-off range (31\u201333)", "Cut-off range"),
        Band(34, 80, "Above the provisional cut-off", "Above cut-off"),
    ),
    attribution="PCL-5 by Weathers, Litz, Keane, Palmieri, Marx and Schnurr, National Center "
    "for PTSD (2013). In the public domain.",
)

CSI4 = Instrument(
    code="csi4",
    name="CSI-4",
    title="Couples Satisfaction Index (CSI-4)",
    stem="Each partner answers on their own.",
    items=(
        Item(
            1,
            "Please indicate the degree of happiness, all things considered, of your relationship.",
            _options(
                "Extremely Unhappy",
                "Fairly Unhappy",
                "A Little Unhappy",
                "Happy",
                "Very Happy",
                "Extremely Happy",
                "Perfect",
            ),
        ),
        Item(
            2,
            "I have a warm and comfortable relationship with my partner.",
            _options(
                "Not at all True",
                "A little True",
                "Somewhat True",
                "Mostly True",
                "Almost Completely True",
                "Completely True",
            ),
        ),
        Item(
            3,
            "How rewarding is your relationship with your partner?",
            _options(
                "Not at all", "A little", "Somewhat", "Mostly", "Almost Completely", "Completely"
            ),
        ),
        Item(
            4,
            "In general, how satisfied are you with your relationship?",
            _options(
                "Not at all", "A little", "Somewhat", "Mostly", "Almost Completely", "Completely"
            ),
        ),
    ),
    # Below 13.5 indicates notable relationship dissatisfaction; totals are whole numbers.
    bands=(
        Band(0, 13, "Notable relationship dissatisfaction"),
        Band(14, 21, "Above the dissatisfaction cut-off", "Above cut-off"),
    ),
    attribution="Couples Satisfaction Index (CSI-4), Funk, J. L., & Rogge, R. D. (2007), "
    "Journal of Family Psychology, 21(4), 572\u2013583. Free to use.",
    higher_is_better=True,
    couples_only=True,
)

INSTRUMENTS: Mapping[str, Instrument] = {i.code: i for i in (PHQ9, GAD7, PCL5, CSI4)}


def instrument(code: str) -> Instrument:
    """Return the instrument of that code; KeyError for an unknown one."""
    return INSTRUMENTS[code]


def band_of(measure: Instrument, total: int) -> str:
    for band in measure.bands:
        if band.holds(total):
            return band.label
    raise ScoringError(f"{total} is outside {measure.name}'s range")


def score(measure: Instrument, answers: Mapping[str, int]) -> Score:
    """Return the total, its band and the flagging items answered above zero.

    Raises ScoringError unless every item has one of its own options' values.
    """
    values: list[int] = []
    for item in measure.items:
        value = answers.get(item.key)
        if value is None:
            raise ScoringError(f"Item {item.number} has no answer")
        if value not in {option.value for option in item.options}:
            raise ScoringError(f"Item {item.number} has no option {value}")
        values.append(value)
    unknown = set(answers) - {item.key for item in measure.items}
    if unknown:
        raise ScoringError(f"Unknown items: {', '.join(sorted(unknown))}")
    total = sum(values)
    flagged = tuple(n for n in measure.flag_items if answers[f"item{n}"] > 0)
    return Score(total=total, band=band_of(measure, total), flagged_items=flagged)


@dataclass(frozen=True)
class Cluster:
    """One DSM-5 symptom cluster of a PCL-5: its items' sum, and how many count as symptoms."""

    letter: str
    name: str
    items: tuple[int, ...]
    # How many of its items must count as symptoms for the DSM-5 pattern.
    needed: int
    total: int
    endorsed: int

    @property
    def met(self) -> bool:
        return self.endorsed >= self.needed


# The PCL-5's own scoring: the clusters of DSM-5 criteria B to E, each with the number of its
# items that the diagnostic rule needs; an item rated "Moderately" (2) or more counts.
_PCL5_CLUSTERS = (
    ("B", "Intrusions", tuple(range(1, 6)), 1),
    ("C", "Avoidance", (6, 7), 1),
    ("D", "Negative changes in thinking and mood", tuple(range(8, 15)), 2),
    ("E", "Changes in arousal and reactivity", tuple(range(15, 21)), 2),
)
PCL5_SYMPTOM = 2


def pcl5_clusters(answers: Mapping[str, int]) -> tuple[Cluster, ...]:
    """Return the four cluster scores of a scored PCL-5's answers (``score`` checks them first)."""
    return tuple(
        Cluster(
            letter=letter,
            name=name,
            items=items,
            needed=needed,
            total=sum(answers[f"item{n}"] for n in items),
            endorsed=sum(1 for n in items if answers[f"item{n}"] >= PCL5_SYMPTOM),
        )
        for letter, name, items, needed in _PCL5_CLUSTERS
    )


def pcl5_pattern_met(clusters: Sequence[Cluster]) -> bool:
    """Return True when every cluster has the symptoms DSM-5's rule asks for (a screen only)."""
    return all(cluster.met for cluster in clusters)


def item_counts(measures: Sequence[Instrument]) -> dict[str, int]:
    return {m.code: len(m.items) for m in measures}
