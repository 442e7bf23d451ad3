"""The trend drawing: points with their values and dates, band lines, an accessible name."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from confide.measures.chart import Point, trend_svg
from confide.measures.instruments import CSI4, PHQ9

SVG = "{http://www.w3.org/2000/svg}"


def test_it_draws_each_point_with_its_value_and_date() -> None:
    points = [Point("Oct 6", 17), Point("Oct 20", 12), Point("Nov 3", 8)]
    svg = trend_svg(PHQ9, points, chart_id="phq9-trend")
    tree = ET.fromstring(svg)
    assert tree.get("role") == "img"
    assert tree.get("aria-labelledby") == "phq9-trend-title phq9-trend-desc"
    assert tree.findtext(f"{SVG}title") == "PHQ-9 over time (lower means fewer difficulties)"
    assert "Oct 6: 17, Oct 20: 12, Nov 3: 8" in tree.findtext(f"{SVG}desc", "")
    circles = tree.findall(f".//{SVG}circle")
    assert len(circles) == 3
    values = [t.text for t in tree.findall(f".//{SVG}text") if t.get("class") == "value"]
    dates = [t.text for t in tree.findall(f".//{SVG}text") if t.get("class") == "date"]
    assert values == ["17", "12", "8"]
    assert dates == ["Oct 6", "Oct 20", "Nov 3"]
    # Higher scores sit higher on the drawing.
    ys = [float(c.get("cy", "0")) for c in circles]
    assert ys[0] < ys[1] < ys[2]
    bands = [t.text for t in tree.findall(f".//{SVG}text") if t.get("class") == "band-label"]
    assert bands == [
        "Mild 5+",
        "Moderate 10+",
        "Moderately severe 15+",
        "Severe 20+",
    ]


def test_it_needs_no_colour_and_escapes_labels() -> None:
    svg = trend_svg(CSI4, [Point("<b>", 10)], chart_id="c")
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg
    assert not re.search(r"#[0-9a-f]{3,6}\b|rgb\(", svg)
    assert "higher means more satisfied" in svg


def test_an_empty_trend_says_so() -> None:
    tree = ET.fromstring(trend_svg(PHQ9, [], chart_id="e"))
    assert tree.findtext(f"{SVG}desc", "") == "No PHQ-9 answers yet."
    assert tree.findall(f".//{SVG}circle") == []
