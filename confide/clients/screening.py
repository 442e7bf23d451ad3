"""Screen free text for language that may signal a crisis; no Django imports.

Screening only adds: a match raises a flag the therapist sees first. It never blocks, delays or
answers anything, and no text is ever called safe, only "not flagged".
"""

from __future__ import annotations

import re
import unicodedata

# Phrases people use when they may be in danger. Kept broad on purpose: a false flag costs the
# therapist a glance, a missed one may cost much more.
_PATTERNS = [
    r"\bkill(ing)?\s+my\s*self\b",
    r"\bkms\b",
    r"\bsuicid(e|al)\b",
    r"\bend(ing)?\s+(my|it)\s+(life|all)\b",
    r"\bend\s+it\b",
    r"\btake\s+my\s+(own\s+)?life\b",
    r"\b(don'?t|do\s+not)\s+want\s+to\s+(live|be\s+alive|be\s+here|wake\s+up)\b",
    r"\bno\s+(reason|point)\s+(to|in)\s+(live|living|go(ing)?\s+on)\b",
    r"\bbetter\s+off\s+(dead|without\s+me)\b",
    r"\bwant\s+to\s+die\b",
    r"\bwish\s+i\s+(was|were)\s+dead\b",
    r"\b(hurt(ing)?|harm(ing)?|cut(ting)?)\s+my\s*self\b",
    r"\bself[-\s]?harm",
    r"\boverdos(e|ing)\b",
    r"\bpills?\s+(saved|stockpil)",
    r"\bgoodbye\s+(letter|note)\b",
    r"\bsuicide\s+note\b",
    r"\b(he|she|they|partner|husband|wife)\s+(will|is\s+going\s+to|threaten\w*\s+to)\s+kill\s+me\b",
    r"\bnot\s+safe\s+(at\s+home|where\s+i\s+am)\b",
    r"\bafraid\s+for\s+my\s+life\b",
    r"\bkill\s+(him|her|them)\b",
]
_COMPILED = [re.compile(p) for p in _PATTERNS]


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text)


def needs_attention(*texts: str) -> bool:
    """Return True when any of the texts contains language that may signal a crisis."""
    combined = _normalise(" \n ".join(t for t in texts if t))
    return any(p.search(combined) for p in _COMPILED)
