"""Slot spec files (bench/data/README.md) and the slot engine's command line; no Django imports.

Run it as ``python -m confide.scheduling.slots SPEC --step N [--now T]``: it prints the free slot
starts of the spec, one UTC ISO 8601 time per line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from confide.scheduling.slots import Interval, WallRange, free_slots, wall_to_utc, working_intervals

_ZERO = timedelta(0)


class SpecError(ValueError):
    """Raised when a slot spec file is missing, unreadable or malformed."""


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """A clinician's calendar as given in a slot spec file, parsed and ready to compute."""

    tz: ZoneInfo
    first_day: date
    last_day: date
    weekly: Mapping[int, Sequence[WallRange]]
    duration: timedelta
    off_days: frozenset[date] = frozenset()
    overrides: Mapping[date, Sequence[WallRange]] = field(default_factory=dict)
    buffer_before: timedelta = _ZERO
    buffer_after: timedelta = _ZERO
    min_notice: timedelta = _ZERO
    busy: Sequence[Interval] = ()

    def default_now(self) -> datetime:
        """Return a "now" early enough that the minimum notice drops no candidate."""
        # The start of first_day in the clinician's zone, less the notice, is the latest "now"
        # that keeps every slot of the spec; with the bench spec it is 2027-02-26T23:00Z, before
        # 2027-02-27 as its README asks.
        return wall_to_utc(self.first_day, time(0), self.tz) - self.min_notice

    def free_slots(self, *, step: timedelta, now: datetime | None = None) -> list[datetime]:
        """Return the free slot starts of this spec for the given step."""
        working = working_intervals(
            tz=self.tz,
            first_day=self.first_day,
            last_day=self.last_day,
            weekly=self.weekly,
            off_days=self.off_days,
            overrides=self.overrides,
        )
        return free_slots(
            working=working,
            busy=self.busy,
            duration=self.duration,
            step=step,
            buffer_before=self.buffer_before,
            buffer_after=self.buffer_after,
            now=self.default_now() if now is None else now,
            min_notice=self.min_notice,
        )


def read_spec(path: str) -> SlotSpec:
    """Return the spec in the JSON file at ``path``; raise SpecError with a one-line reason."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path} is not valid JSON: {exc}") from exc
    return parse_spec(data)


def parse_spec(data: Any) -> SlotSpec:
    """Return the spec held in already-decoded JSON; raise SpecError naming the bad field."""
    if not isinstance(data, dict):
        raise SpecError("the spec must be a JSON object")
    tz_name = _get(data, "tz", str)
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SpecError(f"field 'tz': unknown time zone {tz_name!r}") from exc
    ranges = [_wall_range(r, "weekly") for r in _get(data, "weekly", list)]
    weekly: dict[int, Sequence[WallRange]] = {}
    for weekday in _get(data, "weekly_days", list):
        if not isinstance(weekday, int) or not 1 <= weekday <= 7:
            raise SpecError(f"field 'weekly_days': {weekday!r} is not an ISO weekday (1-7)")
        weekly[weekday] = ranges
    overrides = {
        _date(day, "short_days"): [_wall_range(r, "short_days")]
        for day, r in _get(data, "short_days", dict, {}).items()
    }
    busy = []
    for pair in _get(data, "appointments_local", list, []):
        if not isinstance(pair, list) or len(pair) != 2:
            raise SpecError(f"field 'appointments_local': {pair!r} is not a [start, end] pair")
        start, end = (_instant(s, "field 'appointments_local'") for s in pair)
        if end <= start:
            raise SpecError(f"field 'appointments_local': {pair!r} ends before it starts")
        busy.append(Interval(start, end))
    return SlotSpec(
        tz=tz,
        first_day=_date(_get(data, "first_day", str), "first_day"),
        last_day=_date(_get(data, "last_day", str), "last_day"),
        weekly=weekly,
        duration=_minutes(data, "duration", None, positive=True),
        off_days=frozenset(_date(d, "off_days") for d in _get(data, "off_days", list, [])),
        overrides=overrides,
        buffer_before=_minutes(data, "buffer_before", 0),
        buffer_after=_minutes(data, "buffer_after", 0),
        min_notice=_minutes(data, "min_notice_min", 0),
        busy=busy,
    )


_MISSING: Any = object()


def _get(data: dict[str, Any], name: str, kind: type, default: Any = _MISSING) -> Any:
    if name not in data:
        if default is _MISSING:
            raise SpecError(f"missing field '{name}'")
        return default
    value = data[name]
    if not isinstance(value, kind):
        raise SpecError(f"field '{name}' must be a JSON {_JSON_NAMES[kind]}")
    return value


_JSON_NAMES = {str: "string", list: "array", dict: "object", int: "number"}


def _minutes(
    data: dict[str, Any], name: str, default: int | None, *, positive: bool = False
) -> timedelta:
    value = _get(data, name, int, _MISSING if default is None else default)
    if isinstance(value, bool) or value < (1 if positive else 0):
        kind = "positive" if positive else "non-negative"
        raise SpecError(f"field '{name}' must be a {kind} whole number of minutes")
    return timedelta(minutes=value)


def _date(value: Any, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"field '{name}': {value!r} is not a date (YYYY-MM-DD)") from exc


def _wall_range(value: Any, name: str) -> WallRange:
    if not isinstance(value, list) or len(value) != 2:
        raise SpecError(f"field '{name}': {value!r} is not a [start, end] pair")
    try:
        start, end = time.fromisoformat(value[0]), time.fromisoformat(value[1])
    except (TypeError, ValueError) as exc:
        raise SpecError(f"field '{name}': {value!r} is not a pair of HH:MM times") from exc
    if end <= start:
        raise SpecError(f"field '{name}': {value!r} ends before it starts")
    return start, end


def _instant(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{where}: {value!r} is not an ISO 8601 date and time") from exc
    if moment.tzinfo is None:
        raise SpecError(f"{where}: {value!r} has no UTC offset")
    return moment


def main(argv: Sequence[str] | None = None) -> int:
    """Print the free slot starts of a spec file, one UTC ISO 8601 time per line."""
    parser = argparse.ArgumentParser(
        prog="python -m confide.scheduling.slots",
        description="Print free appointment slot starts (UTC) for a slot spec file.",
    )
    parser.add_argument("spec", help="path to a JSON slot spec (see bench/data/README.md)")
    parser.add_argument("--step", type=int, required=True, help="minutes between candidates")
    parser.add_argument(
        "--now",
        help="ISO 8601 time with offset; default: early enough that minimum notice drops nothing",
    )
    args = parser.parse_args(argv)
    try:
        if args.step <= 0:
            raise SpecError("--step must be a positive number of minutes")
        now = None if args.now is None else _instant(args.now, "--now")
        spec = read_spec(args.spec)
        slots = spec.free_slots(step=timedelta(minutes=args.step), now=now)
    except ValueError as exc:
        # SpecError and the engine's own ValueErrors both describe bad input in one line.
        print(f"slots: error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write("".join(f"{s:%Y-%m-%dT%H:%M:%SZ}\n" for s in slots))
    return 0
