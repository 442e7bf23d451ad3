"""Scoring of each measure against its published ranges and every band edge."""

from __future__ import annotations

import pytest

from confide.measures.instruments import (
    CSI4,
    GAD7,
    INSTRUMENTS,
    PCL5,
    PHQ9,
    Instrument,
    ScoringError,
    pcl5_clusters,
    pcl5_pattern_met,
    score,
)


def _all(measure: Instrument, value: int) -> dict[str, int]:
    return {item.key: value for item in measure.items}


def _totalling(measure: Instrument, total: int) -> dict[str, int]:
    """Answers that add up to ``total``, filling items from the first."""
    answers: dict[str, int] = {}
    left = total
    for item in measure.items:
        take = min(item.highest, left)
        answers[item.key] = take
        left -= take
    assert left == 0
    return answers


@pytest.mark.parametrize(
    ("measure", "items", "lowest", "highest", "options"),
    [(PHQ9, 9, 0, 27, 4), (GAD7, 7, 0, 21, 4), (PCL5, 20, 0, 80, 5), (CSI4, 4, 0, 21, None)],
)
def test_each_measure_has_its_published_items_and_range(
    measure: Instrument, items: int, lowest: int, highest: int, options: int | None
) -> None:
    assert len(measure.items) == items
    assert (measure.lowest, measure.highest) == (lowest, highest)
    if options:
        assert {len(item.options) for item in measure.items} == {options}
    assert measure.bands[0].low == lowest
    assert measure.bands[-1].high == highest
    for below, above in zip(measure.bands, measure.bands[1:], strict=False):
        assert above.low == below.high + 1


def test_csi4_options_run_zero_to_six_then_zero_to_five() -> None:
    assert [item.highest for item in CSI4.items] == [6, 5, 5, 5]


def test_the_published_wording_is_kept() -> None:
    assert PHQ9.item(9).text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert GAD7.item(1).text == "Feeling nervous, anxious or on edge"
    assert PCL5.item(20).text == "Trouble falling or staying asleep?"
    assert CSI4.item(2).text == "I have a warm and comfortable relationship with my partner."
    assert "Pfizer" in PHQ9.attribution
    assert "Pfizer" in GAD7.attribution
    assert "public domain" in PCL5.attribution
    assert "Funk" in CSI4.attribution
    assert "Rogge" in CSI4.attribution


@pytest.mark.parametrize(
    ("measure", "total", "band"),
    [
        (PHQ9, 0, "Minimal"),
        (PHQ9, 4, "Minimal"),
        (PHQ9, 5, "Mild"),
        (PHQ9, 9, "Mild"),
        (PHQ9, 10, "Moderate"),
        (PHQ9, 14, "Moderate"),
        (PHQ9, 15, "Moderately severe"),
        (PHQ9, 19, "Moderately severe"),
        (PHQ9, 20, "Severe"),
        (PHQ9, 27, "Severe"),
        (GAD7, 0, "Minimal"),
        (GAD7, 4, "Minimal"),
        (GAD7, 5, "Mild"),
        (GAD7, 9, "Mild"),
        (GAD7, 10, "Moderate"),
        (GAD7, 14, "Moderate"),
        (GAD7, 15, "Severe"),
        (GAD7, 21, "Severe"),
        (PCL5, 0, "Below the provisional cut-off"),
        (PCL5, 30, "Below the provisional cut-off"),
        (PCL5, 31, "Within the provisional cut-off range (31\u201333)"),
        (PCL5, 33, "Within the provisional cut-off range (31\u201333)"),
        (PCL5, 34, "Above the provisional cut-off"),
        (PCL5, 80, "Above the provisional cut-off"),
        (CSI4, 0, "Notable relationship dissatisfaction"),
        (CSI4, 13, "Notable relationship dissatisfaction"),
        (CSI4, 14, "Above the dissatisfaction cut-off"),
        (CSI4, 21, "Above the dissatisfaction cut-off"),
    ],
)
def test_every_band_edge(measure: Instrument, total: int, band: str) -> None:
    result = score(measure, _totalling(measure, total))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("measure", "value", "total", "band"),
    [
        # Every item "Several days", "More than half the days", "Nearly every day".
        (PHQ9, 1, 9, "Mild"),
        (PHQ9, 2, 18, "Moderately severe"),
        (PHQ9, 3, 27, "Severe"),
        (GAD7, 1, 7, "Mild"),
        (GAD7, 2, 14, "Moderate"),
        (GAD7, 3, 21, "Severe"),
        # Every item "A little bit", "Moderately": 20 and 40.
        (PCL5, 1, 20, "Below the provisional cut-off"),
        (PCL5, 2, 40, "Above the provisional cut-off"),
    ],
)
def test_totals_of_uniform_answers(measure: Instrument, value: int, total: int, band: str) -> None:
    result = score(measure, _all(measure, value))
    assert (result.total, result.band) == (total, band)


def test_csi4_example_partner() -> None:
    # "Happy" (3), "Mostly True" (3), "Somewhat" (2), "Somewhat" (2): 10, below 13.5.
    result = score(CSI4, {"item1": 3, "item2": 3, "item3": 2, "item4": 2})
    assert (result.total, result.band) == (10, "Notable relationship dissatisfaction")


def test_pcl5_clusters_follow_its_scoring_rule() -> None:
    # "Moderately" on the fewest items the DSM-5 rule needs (one B, one C, two D, two E): the
    # pattern is met while the total, 12, is far below the cut-off, as the scoring notes warn.
    answers = _all(PCL5, 0) | {f"item{n}": 2 for n in (1, 6, 8, 9, 15, 16)}
    clusters = pcl5_clusters(answers)
    assert [(c.letter, c.items[0], c.items[-1], c.total, c.endorsed) for c in clusters] == [
        ("B", 1, 5, 2, 1),
        ("C", 6, 7, 2, 1),
        ("D", 8, 14, 4, 2),
        ("E", 15, 20, 4, 2),
    ]
    assert pcl5_pattern_met(clusters)
    assert score(PCL5, answers).band == "Below the provisional cut-off"
    # "A little bit" is not a symptom for the rule; one D short, and the pattern is not met.
    assert not pcl5_pattern_met(pcl5_clusters(answers | {"item9": 1}))
    # Everything "A little bit": 20, and no cluster has a symptom.
    assert [c.endorsed for c in pcl5_clusters(_all(PCL5, 1))] == [0, 0, 0, 0]
    # Every item "Extremely": the clusters' sums are the whole 80.
    assert [c.total for c in pcl5_clusters(_all(PCL5, 4))] == [20, 8, 28, 24]


@pytest.mark.parametrize(("value", "flagged"), [(0, ()), (1, (9,)), (2, (9,)), (3, (9,))])
def test_phq9_item_9_above_zero_flags(value: int, flagged: tuple[int, ...]) -> None:
    answers = _all(PHQ9, 0) | {"item9": value}
    assert score(PHQ9, answers).flagged_items == flagged


def test_other_measures_flag_no_item() -> None:
    for measure in (GAD7, PCL5, CSI4):
        assert score(measure, _all(measure, 1)).flagged_items == ()


@pytest.mark.parametrize(
    "answers",
    [
        {},
        _all(PHQ9, 0) | {"item9": 4},
        _all(PHQ9, 0) | {"item9": -1},
        _all(PHQ9, 0) | {"item10": 0},
        {k: v for k, v in _all(PHQ9, 0).items() if k != "item3"},
    ],
)
def test_it_refuses_answers_that_do_not_fit(answers: dict[str, int]) -> None:
    with pytest.raises(ScoringError):
        score(PHQ9, answers)


def test_codes() -> None:
    assert set(INSTRUMENTS) == {"phq9", "gad7", "pcl5", "csi4"}
