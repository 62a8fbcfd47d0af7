"""What kind of fact a question asks for. The description states roles (who does what), never amounts,
prices or clock times, so a question that asks for one of those is answered only if the evidence holds a
number: otherwise the honest answer is that the description does not cover it."""

from __future__ import annotations

import re

_AMOUNT_OR_TIME = re.compile(
    r"""
    \b(how\s+(much|many|long|often)|what\s+time|at\s+what\s+time|which\s+hours)\b
    | \b(what|when|which)\b.*\bopening\s+hours\b | \bopening\s+hours\b.*\b(sundays?|saturdays?|holidays?|today|tomorrow)\b
    | \b(what\s+does\b.*\bcost|price\s+of|how\s+expensive)\b
    | \b(paljonko|kuinka\s+(paljon|monta|kauan|usein)|montako|mihin\s+aikaan|moneltako|monelta)\b
    | \bmitä\b[^?]*\bmaksaa\b | \b(hinta|hinnat|hintaa|hinnasto)\b
    | \b(milloin|mitkä)\b.*\baukiolo | \baukioloaj\w*\b.*\b(sunnuntai\w*|lauantai\w*|pyhä\w*|tänään|huomenna)\b
    | \b(hur\s+(mycket|många|länge|ofta)|hur\s+dags|vad\s+kostar|när\s+(öppnar|stänger)|priset|kostnaden)\b
    | \b(vilka|när)\b.*\böppettid | \böppettid\w*\b.*\b(söndag\w*|lördag\w*|helgdag\w*|idag|i\s+morgon)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_NUMBER = re.compile(r"\d")
# A statute's number ("laki 1492/2016") is a reference, not an amount or a time the text states.
_STATUTE_NUMBER = re.compile(r"\b\d+/\d{4}\b")


def asks_for_amount_or_time(question: str) -> bool:
    """True for "how much / how many / what time / what are the opening hours" questions in fi, sv or en."""
    return bool(_AMOUNT_OR_TIME.search(question))


def states_amount_or_time(text: str) -> bool:
    return bool(_NUMBER.search(_STATUTE_NUMBER.sub(" ", text)))
