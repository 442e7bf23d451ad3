"""Lay out calendar days as a time grid: rows of five minutes, overlapping sessions side by side.

Pure: no Django. Times are wall-clock minutes since the day's midnight in the shown zone, so a
daylight-saving day is drawn as the clock reads it (a session across the spring gap looks an
hour longer; the two 1:30s of the fall-back night sit side by side). The page's stylesheet
places each block by class (``g-at-N``, ``g-len-N``, ``g-c{columns}-{column}``): the site's
content security policy allows no inline styles. ``grid_css`` writes those rules.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

SLOT_MINUTES = 5
DAY_MINUTES = 24 * 60
MAX_ROWS = DAY_MINUTES // SLOT_MINUTES
# Beyond this many sessions at once, the extra ones share the last column (the list view shows
# each of them in full).
MAX_COLUMNS = 6
DEFAULT_HOURS = (8, 18)

Span = tuple[int, int]


@dataclass(frozen=True)
class Band:
    """A stretch of the day drawn across the whole column: working hours or time off."""

    row: int
    rows: int


@dataclass(frozen=True)
class Block[T: Hashable]:
    """One session placed in the grid: its first row, how many rows, and its overlap column."""

    item: T
    row: int
    rows: int
    column: int
    columns: int


def grid_hours(spans: Iterable[Span], default: tuple[int, int] = DEFAULT_HOURS) -> tuple[int, int]:
    """Return the first and last hour to draw: the default hours widened to hold every span."""
    first, last = default
    for start, end in spans:
        first = min(first, max(0, start) // 60)
        last = max(last, -(-min(end, DAY_MINUTES) // 60))
    return first, last


def _rows(span: Span, hours: tuple[int, int]) -> tuple[int, int] | None:
    """Return (first row, row count) of a span clipped to the drawn hours, or None outside them."""
    top, bottom = hours[0] * 60, hours[1] * 60
    start, end = max(span[0], top), min(span[1], bottom)
    if end <= start:
        return None
    first = (start - top) // SLOT_MINUTES + 1
    after = -(-(end - top) // SLOT_MINUTES) + 1
    return first, max(1, after - first)


def bands(spans: Iterable[Span], hours: tuple[int, int]) -> list[Band]:
    """Return the spans merged and placed as bands; spans outside the drawn hours are left out."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    placed = (_rows((start, end), hours) for start, end in merged)
    return [Band(row=p[0], rows=p[1]) for p in placed if p is not None]


def blocks[T: Hashable](
    items: Sequence[tuple[T, int, int]], hours: tuple[int, int]
) -> list[Block[T]]:
    """Place sessions given as (item, start minute, end minute); overlapping ones side by side.

    Sessions that overlap, directly or through others, form a group; each takes the first column
    free at its start, and every session of the group is as wide as the group has columns.
    A session shorter than a row still gets one row, so it can be seen and chosen.
    """
    ordered = sorted(items, key=lambda i: (i[1], i[2]))
    placed: list[Block[T]] = []
    group: list[tuple[T, int, int, int]] = []  # item, start, end, column
    group_end = -1

    def close() -> None:
        columns = min(MAX_COLUMNS, max((c for *_, c in group), default=0))
        for item, start, end, column in group:
            rows = _rows((start, end), hours)
            if rows is not None:
                placed.append(Block(item, rows[0], rows[1], min(column, columns), columns))
        group.clear()

    for item, start, end in ordered:
        # A session shorter than a row is drawn a row long, so it overlaps like one.
        end = max(end, start + SLOT_MINUTES)
        if group and start >= group_end:
            close()
            group_end = -1
        ends_by_column: dict[int, int] = {}
        for _, _, other_end, column in group:
            ends_by_column[column] = max(ends_by_column.get(column, -1), other_end)
        column = 1
        while ends_by_column.get(column, -1) > start:
            column += 1
        group.append((item, start, end, column))
        group_end = max(group_end, end)
    close()
    return placed


def hour_rows(hours: tuple[int, int]) -> list[tuple[int, int]]:
    """Return (hour, first row) for each hour drawn."""
    per_hour = 60 // SLOT_MINUTES
    return [(hour, (hour - hours[0]) * per_hour + 1) for hour in range(hours[0], hours[1])]


def grid_css() -> str:
    """Return the stylesheet rules that place rows and columns by class."""
    lines = ["/* Made by confide.office.time_grid.grid_css(); a test keeps it in step. */"]
    lines += [f".g-at-{n}{{grid-row-start:{n}}}" for n in range(1, MAX_ROWS + 1)]
    lines += [f".g-len-{n}{{grid-row-end:span {n}}}" for n in range(1, MAX_ROWS + 1)]
    # The day column has 60 tracks: any of 1 to 6 equal columns is a whole number of them.
    for columns in range(1, MAX_COLUMNS + 1):
        width = 60 // columns
        lines += [
            f".g-c{columns}-{column}{{grid-column:{(column - 1) * width + 1}/span {width}}}"
            for column in range(1, columns + 1)
        ]
    return "\n".join(lines) + "\n"
