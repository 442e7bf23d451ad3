"""CPT code, modifier and place of service for a psychotherapy service, its minutes and format.

Pure Python without Django, so the command line works without settings:

    python -m confide.billing.codes individual 53 video   # prints "90837 95 10"
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass

SERVICES = ("assessment", "individual", "couples_with_client", "couples_without_client", "crisis")
FORMATS = ("in_person", "video", "phone")

LABELS: dict[str, str] = {
    "90791": "Diagnostic assessment interview",
    "90832": "Psychotherapy, 16 to 37 minutes",
    "90834": "Psychotherapy, 38 to 52 minutes",
    "90837": "Psychotherapy, 53 minutes or longer",
    "90839": "Crisis psychotherapy, the first 30 to 74 minutes",
    "90840": "Crisis psychotherapy, each further 30 minutes (add-on)",
    "90846": "Couples or family therapy without the client, 26 minutes or longer",
    "90847": "Couples or family therapy with the client, 26 minutes or longer",
}

OFFICE = "11"
TELEHEALTH_AT_HOME = "10"
TELEHEALTH_ELSEWHERE = "02"

# Insurers want telehealth named on the line as well as in the place: 95 for live audio and
# video, 93 for audio only.
_MODIFIERS: dict[str, str | None] = {"in_person": None, "video": "95", "phone": "93"}

# CPT counts a timed code once more than half its nominal time has passed (30, 45 and 60
# minutes), hence 16, 38 and 53. Longest first, so the first match wins.
_PSYCHOTHERAPY = ((53, "90837"), (38, "90834"), (16, "90832"))

# Family therapy codes (90846, 90847) are nominally 50 minutes: billable from 26.
_COUPLES_MINIMUM = 26
_COUPLES = {"couples_without_client": "90846", "couples_with_client": "90847"}

_CRISIS_MINIMUM = 30
# The first hour of crisis care runs to 74 minutes; each add-on counts once 15 minutes of its
# 30 have passed, so one at 75, two at 105, three at 135.
_CRISIS_ADD_ON_FROM = 75


@dataclass(frozen=True)
class Coding:
    """The codes, modifier and place of service of one session line."""

    codes: tuple[str, ...]  # the primary code first, then each add-on unit repeated
    modifier: str | None
    place: str

    def line_items(self) -> list[tuple[str, int]]:
        """Return each code once with its units, in order: [("90839", 1), ("90840", 2)]."""
        return list(Counter(self.codes).items())

    def as_line(self) -> str:
        """Return "CODES MODIFIER POS", e.g. "90839+90840 95 10", with "-" for no modifier."""
        return f"{'+'.join(self.codes)} {self.modifier or '-'} {self.place}"

    def __str__(self) -> str:
        return self.as_line()


def _psychotherapy_code(minutes: int) -> str | None:
    for threshold, code in _PSYCHOTHERAPY:
        if minutes >= threshold:
            return code
    return None


def _codes(service: str, minutes: int) -> tuple[str, ...]:
    """Return the codes of a service lasting `minutes`, or () when it is not billable."""
    if service == "assessment":
        # A diagnostic evaluation is not a timed code: any session that took place counts.
        return ("90791",) if minutes >= 1 else ()
    if service in _COUPLES:
        return (_COUPLES[service],) if minutes >= _COUPLES_MINIMUM else ()
    if service == "crisis" and minutes >= _CRISIS_MINIMUM:
        add_ons = (minutes - 45) // 30 if minutes >= _CRISIS_ADD_ON_FROM else 0
        return ("90839",) + ("90840",) * add_ons
    # Individual psychotherapy, and crisis care too short for the crisis codes.
    code = _psychotherapy_code(minutes)
    return (code,) if code else ()


def coding_for(
    service: str, minutes: int, format: str, *, elsewhere: bool = False
) -> Coding | None:
    """Return the coding of a session, or None when its length makes nothing billable.

    `elsewhere` means a telehealth client who was not at home (place 02 instead of 10); it is
    ignored for an in-person session. Crisis care under 30 minutes is, as CPT directs, reported
    as ordinary psychotherapy: 90832 from 16 minutes, nothing below.

    Raise ValueError for an unknown service or format, or negative minutes.
    """
    if service not in SERVICES:
        raise ValueError(f"Unknown service: {service!r}")
    if format not in FORMATS:
        raise ValueError(f"Unknown format: {format!r}")
    if minutes < 0:
        raise ValueError(f"Minutes cannot be negative: {minutes}")
    codes = _codes(service, minutes)
    if not codes:
        return None
    if format == "in_person":
        place = OFFICE
    else:
        place = TELEHEALTH_ELSEWHERE if elsewhere else TELEHEALTH_AT_HOME
    return Coding(codes=codes, modifier=_MODIFIERS[format], place=place)


def _minutes(text: str) -> int:
    try:
        minutes = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of minutes: {text!r}") from None
    if minutes < 0:
        raise argparse.ArgumentTypeError(f"minutes cannot be negative: {minutes}")
    return minutes


def main(argv: list[str] | None = None) -> int:
    """Print the coding line of one session, or "-" when nothing is billable."""
    parser = argparse.ArgumentParser(
        prog="python -m confide.billing.codes",
        description="Print 'CODES MODIFIER POS' for a psychotherapy session, or '-'.",
    )
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("minutes", type=_minutes)
    parser.add_argument("format", choices=FORMATS)
    parser.add_argument(
        "--elsewhere",
        action="store_true",
        help="the telehealth client was not at home (place of service 02)",
    )
    args = parser.parse_args(argv)
    coding = coding_for(args.service, args.minutes, args.format, elsewhere=args.elsewhere)
    print(coding.as_line() if coding else "-")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
