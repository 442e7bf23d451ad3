"""Time the crisis screen on 1,000-character messages, on the most of an attached text file it
reads, and on the labelled set, with its recall.

Run from the repository root: python bench/screening.py [--repeat N]
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Let the script run as "python bench/screening.py" without installing the package.
sys.path.insert(0, str(ROOT))

from confide.clients.screening import flagged_categories  # noqa: E402
from confide.messaging.screening import SCREENED_FILE_CHARS  # noqa: E402

CASES = ROOT / "confide" / "clients" / "tests" / "screening_cases.tsv"

# Invented messages, repeated to exactly 1,000 characters. The ordinary one is the slowest kind:
# nothing matches, so every pattern reads to the end.
_ORDINARY = (
    "Hi, I found your page after reading the article about shame. I've been feeling stuck at "
    "work and at home, my partner and I keep having the same argument about money, and I "
    "don't sleep well. Evenings after six or Saturday mornings suit me best. Please text "
    "first, don't call, and don't leave a voicemail. "
)
_FLAGGED = (
    "I don't really know how to say this. Most nights I lie awake and I don't want to wake up "
    "tomorrow, and I've been saving my sleeping pills. I'm not sure anyone would notice. "
)
_SPELLED = "honestly k m s, s.u.i.c.i.d.e is all i think about, su1cidal and tired of it. "


def _message(seed: str) -> str:
    return (seed * (1000 // len(seed) + 1))[:1000]


MESSAGES = {
    "ordinary, not flagged": _message(_ORDINARY),
    "flagged": _message(_FLAGGED),
    "spelled out and masked": _message(_SPELLED),
    # Adversarial: inputs chosen to make the spelled-out reading and the patterns work hardest.
    "adversarial, spaced single letters": _message("a "),
    "adversarial, spaced k i l l runs": _message("k i l l "),
    "adversarial, one word repeated": _message("tired "),
    "adversarial, only punctuation": _message("?!.,;:-'\"()*"),
    "adversarial, one letter repeated": "a" * 1000,
    "adversarial, dotted letters": _message("s.u.i.c.i.d.e."),
}


def _cases() -> list[tuple[str, bool]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, expected, _kind = line.split("\t")
            rows.append((text, expected != "-"))
    return rows


def _median_ms(call: Callable[[], object], repeat: int, inner: int) -> tuple[float, float]:
    """Return the median and the 95th percentile, in ms, of ``repeat`` rounds of ``inner`` calls."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            call()
        rounds.append((time.perf_counter() - start) * 1000 / inner)
    rounds.sort()
    return statistics.median(rounds), rounds[int(len(rounds) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200, help="timed rounds per figure")
    args = parser.parse_args()

    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, text in MESSAGES.items():
        assert len(text) == 1000
        median, p95 = _median_ms(functools.partial(flagged_categories, text), args.repeat, 20)
        print(
            f"1,000 characters, {name}: median {median:.3f} ms, p95 {p95:.3f} ms "
            f"-> {','.join(flagged_categories(text)) or '-'}"
        )

    # The most of an attached plain text file that a message's screen reads (ordinary words).
    letter = (_ORDINARY * (SCREENED_FILE_CHARS // len(_ORDINARY) + 1))[:SCREENED_FILE_CHARS]
    rounds = max(5, args.repeat // 20)
    median, p95 = _median_ms(functools.partial(flagged_categories, letter), rounds, 1)
    print(
        f"{SCREENED_FILE_CHARS:,} characters of an attached text file: median {median:.1f} ms, "
        f"p95 {p95:.1f} ms ({rounds} rounds)"
    )

    cases = _cases()
    texts = [t for t, _ in cases]
    median, p95 = _median_ms(lambda: [flagged_categories(t) for t in texts], args.repeat, 1)
    positives = [t for t, flag in cases if flag]
    negatives = [t for t, flag in cases if not flag]
    caught = sum(1 for t in positives if flagged_categories(t))
    alarms = sum(1 for t in negatives if flagged_categories(t))
    print(
        f"labelled set, {len(texts)} lines: median {median:.2f} ms, p95 {p95:.2f} ms "
        f"({median * 1000 / len(texts):.1f} us a line)"
    )
    print(
        f"recall {caught / len(positives):.1%} ({caught}/{len(positives)}), "
        f"false alarms {alarms / len(negatives):.1%} ({alarms}/{len(negatives)})"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
