"""Draw a measure's trend as an SVG drawing on the server; no Django imports.

Readable without colour: every point is a marker with its score written beside it, the dates
are written under the axis, and the band edges are dashed lines with their names. The drawing
has an accessible name and description; pages show the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from confide.measures.instruments import Instrument

WIDTH = 640
HEIGHT = 300
LEFT = 48
# Room on the right for the names of the bands.
RIGHT = 150
# Room between the axis and the first and last points, for their values.
PAD = 24
TOP = 20
BOTTOM = 56


@dataclass(frozen=True)
class Point:
    label: str  # the date as shown, e.g. "Nov 3"
    total: int


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT - 2 * PAD
    if count == 1:
        return LEFT + PAD + inner / 2
    return LEFT + PAD + inner * index / (count - 1)


def _y(value: float, highest: int) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - value / highest)


def trend_svg(measure: Instrument, points: Sequence[Point], *, chart_id: str) -> str:
    """Return an SVG element drawing the totals in order, with a title and a description."""
    highest = measure.highest
    title_id = f"{chart_id}-title"
    desc_id = f"{chart_id}-desc"
    if points:
        said = ", ".join(f"{p.label}: {p.total}" for p in points)
        description = f"{measure.name} totals from 0 to {highest}, oldest first. {said}."
    else:
        description = f"No {measure.name} answers yet."
    direction = (
        "higher means more satisfied"
        if measure.higher_is_better
        else ("lower means fewer difficulties")
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}">',
        f'<title id="{escape(title_id)}">{escape(measure.name)} over time ({direction})</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    # The axes and the scale's ends.
    bottom = _y(0, highest)
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom:.1f}" '
        'stroke="currentColor"/>'
    )
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{bottom:.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{bottom:.1f}" stroke="currentColor"/>'
    )
    for value in (0, highest):
        parts.append(
            f'<text class="tick" x="{LEFT - 8}" y="{_y(value, highest) + 4:.1f}" '
            f'text-anchor="end" font-size="12" fill="currentColor">{value}</text>'
        )
    # A dashed line at the start of each band above the lowest, named.
    for band in measure.bands[1:]:
        y = _y(band.low - 0.5, highest)
        parts.append(
            f'<line class="band" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="currentColor" stroke-dasharray="4 4" stroke-opacity="0.5"/>'
        )
        parts.append(
            f'<text class="band-label" x="{WIDTH - RIGHT + 6}" y="{y + 4:.1f}" '
            f'font-size="11" fill="currentColor">{escape(band.short or band.label)} '
            f"{band.low}+</text>"
        )
    count = len(points)
    coordinates = [(_x(i, count), _y(p.total, highest)) for i, p in enumerate(points)]
    if count > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="currentColor" '
            'stroke-width="2"/>'
        )
    for point, (x, y) in zip(points, coordinates, strict=True):
        parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="currentColor"/>')
        parts.append(
            f'<text class="value" x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" '
            f'font-size="13" font-weight="bold" fill="currentColor">{point.total}</text>'
        )
        parts.append(
            f'<text class="date" x="{x:.1f}" y="{bottom + 20:.1f}" text-anchor="middle" '
            f'font-size="12" fill="currentColor">{escape(point.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
