"""What kind of fact a question asks for. The description states roles (who does what), never amounts,
prices, clock times or contact details, so a question that asks for one of those is answered only if the
evidence holds one: otherwise the honest answer is that the description does not cover it."""

from __future__ import annotations

import re

_AMOUNT_OR_TIME = re.compile(
    r"""
    \b(how\s+(much|many|long|often)|what\s+time|at\s+what\s+time|which\s+hours)\b
    | ^\W*(when|milloin|när)\b   # a question that opens with "when" asks for a date or a time ("when will ... be ready")
    | \b(what|when|which)\b.*\bopening\s+hours\b | \bopening\s+hours\b.*\b(sundays?|saturdays?|holidays?|today|tomorrow)\b
    | \b(what\s+does\b.*\bcost|price\s+of|how\s+expensive)\b
    | \b(paljonko|(kuinka|miten)\s+(paljon|monta|kauan|usein|pitkä\w*)|montako|mihin\s+aikaan|moneltako|monelta)\b
    | \bmitä\b[^?]*\bmaksaa\b | \b(hinta|hinnat|hintaa|hinnasto)\b
    | \b(milloin|mitkä)\b.*\baukiolo | \baukioloaj\w*\b.*\b(sunnuntai\w*|lauantai\w*|pyhä\w*|tänään|huomenna)\b
    | \b(hur\s+(mycket|många|länge|ofta)|hur\s+dags|vad\s+kostar|när\s+(öppnar|stänger)|priset|kostnaden)\b
    | \b(vilka|när)\b.*\böppettid | \böppettid\w*\b.*\b(söndag\w*|lördag\w*|helgdag\w*|idag|i\s+morgon)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Contact details: where to call, write or go. Whole words only, so "addresses" in "the library addresses
# reading" does not count; Finnish and Swedish compounds end in the word ("kotiosoite", "hemadress").
_CONTACT_DETAIL = re.compile(
    r"""
    \b(phone|telephone)\s+number | \b(e-?mail|postal|street|home|web)\s+address | \bwhat\s+is\s+the\s+address\b
    | \baddress\s+of\b | \bcontact\s+details\b
    | \w*(puhelinnumer|osoite|osoitte|sähköpost)\w* | \w*(telefonnumr|telefonnummer|adress(en|er|erna)?\b|e-post)\w*
    """,
    re.IGNORECASE | re.VERBOSE,
)
_NUMBER = re.compile(r"\d")
# A statute's number ("laki 1492/2016") is a reference, not an amount or a time the text states.
_STATUTE_NUMBER = re.compile(r"\b\d+/\d{4}\b")


def asks_for_amount_or_time(question: str) -> bool:
    """True for "how much / how many / what time / what are the opening hours" questions in fi, sv or en."""
    return bool(_AMOUNT_OR_TIME.search(question))


def asks_for_contact_detail(question: str) -> bool:
    """True for "what is the phone number / address / e-mail of ..." questions in fi, sv or en."""
    return bool(_CONTACT_DETAIL.search(question))


def states_contact_detail(text: str) -> bool:
    return "@" in text or states_amount_or_time(text)


def states_amount_or_time(text: str) -> bool:
    return bool(_NUMBER.search(_STATUTE_NUMBER.sub(" ", text)))


# Each kind of fact the description never states: how to recognise the question, and the evidence that would
# state one after all. Checked in order; the first kind the question asks for is the one named.
_UNSTATED_FACTS = (
    ("an amount or a time", asks_for_amount_or_time, states_amount_or_time),
    ("a contact detail", asks_for_contact_detail, states_contact_detail),
)


def fact_asked_for(question: str) -> str | None:
    """The kind of fact ("an amount or a time", "a contact detail") the question asks for, if any."""
    return next((kind for kind, asks, _ in _UNSTATED_FACTS if asks(question)), None)


def states_fact(kind: str, text: str) -> bool:
    """Whether the text states a fact of this kind."""
    return next(states for name, _, states in _UNSTATED_FACTS if name == kind)(text)
