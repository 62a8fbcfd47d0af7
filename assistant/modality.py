"""Modality: what a piece of the document says about the library's role, from its section and its own words.

The section heading gives a strong prior (2.1 "does itself", 2.4 "does not", ...). A clause can still
override it: Finnish negation makes it "does not", a `vaan` clause with the library as the elided subject
says what the library does instead, and a clause whose subject is someone else names who does it.
"""

from __future__ import annotations

import re
from enum import Enum


class Modality(str, Enum):
    DOES_ITSELF = "does_itself"
    BUYS = "buys"
    WITH_PARTNERS = "with_partners"
    DOES_NOT = "does_not"
    DEVELOPING = "developing"
    CONTEXT = "context"


VERDICT_OF_MODALITY = {
    Modality.DOES_ITSELF: "yes",
    Modality.BUYS: "purchased",
    Modality.WITH_PARTNERS: "partnership",
    Modality.DOES_NOT: "no",
    Modality.DEVELOPING: "developing",
    Modality.CONTEXT: "yes",
}

# Heading words of a division-of-labour description, most specific first.
_HEADING_RULES: tuple[tuple[re.Pattern[str], Modality], ...] = (
    (re.compile(r"\bei\s+(tee|tuota|järjestä)\b|\bei kuulu\b", re.I), Modality.DOES_NOT),
    (re.compile(r"\bostaa\b|\bostopalvel|\bhankkii\b", re.I), Modality.BUYS),
    (re.compile(r"yhteistyö|kumppan", re.I), Modality.WITH_PARTNERS),
    (re.compile(r"selvitettäv|kehit|kokeil|suunnitel", re.I), Modality.DEVELOPING),
    (re.compile(r"oma\w* palvelutuotanto|toteuttaa|ydintehtäv|tehtävät", re.I), Modality.DOES_ITSELF),
)

_NEGATION = re.compile(r"\b(ei|eikä|eivät|en|et|emme|ette)\b", re.I)
_LIBRARY_SUBJECT = re.compile(r"^(helsingin\s+)?(kaupungin)?kirjasto\w*\b", re.I)
# Verbs by which the text says who handles a task.
_HANDLER_VERB = re.compile(r"\b(hoita\w*|vastaa\w*|tekee|tekevät|järjestävät|tarjoavat|ylläpitävät)\b", re.I)
_DEMONSTRATIVE = re.compile(r"^vaan\s+(sitä|näitä|niitä|tätä|tämän|ne|se)\b", re.I)
_PARTNER_PATTERNS = (
    re.compile(r"yhteistyö(?:ssä|tä tehdään)\s+(.+?)\s+kanssa", re.I),
    re.compile(r"(?:kumppaneita|kumppanit|osapuolina|osapuolet)\s+(?:ovat|on)\s+(.+?)\.?$", re.I),
)


def section_modality(heading: str) -> Modality:
    """The modality a section's heading implies; context when the heading says nothing about roles."""
    for pattern, modality in _HEADING_RULES:
        if pattern.search(heading):
            return modality
    return Modality.CONTEXT


def classify_unit(clause: str, prior: Modality, sentence: str) -> tuple[Modality, bool, str | None]:
    """(modality, negated, actors) of one clause, given its section's prior modality and its sentence."""
    negated = bool(_NEGATION.search(clause))
    text = clause.strip()
    if negated:
        return Modality.DOES_NOT, True, _instead_actor(sentence)
    if text.lower().startswith("vaan "):
        if _DEMONSTRATIVE.match(text):
            # "vaan sitä hoitavat oppilaitokset": someone else handles what the library does not.
            return Modality.DOES_NOT, False, _after_handler_verb(text)
        # "vaan vuokraa tiloja ...": the library is the elided subject, so this is something it does.
        return Modality.DOES_ITSELF, False, None
    if prior is Modality.DOES_NOT:
        if not _LIBRARY_SUBJECT.match(text) and (m := _HANDLER_VERB.search(text)):
            return Modality.DOES_NOT, False, text[: m.start()].strip() or None
        return Modality.DOES_NOT, False, None
    if prior in (Modality.DOES_ITSELF, Modality.CONTEXT) and re.search(r"\byhteistyö", text, re.I):
        return Modality.WITH_PARTNERS, False, _partners(text)
    if prior is Modality.WITH_PARTNERS or prior is Modality.DEVELOPING:
        return prior, False, _partners(text)
    return prior, False, None


def _instead_actor(sentence: str) -> str | None:
    m = re.search(r"\bvaan\s+(.*)$", sentence, re.I)
    if not m or not _DEMONSTRATIVE.match(m.group(0)):
        return None
    return _after_handler_verb(m.group(0))


def _after_handler_verb(text: str) -> str | None:
    m = _HANDLER_VERB.search(text)
    if not m:
        return None
    return text[m.end() :].strip().rstrip(".") or None


def _partners(text: str) -> str | None:
    for pattern in _PARTNER_PATTERNS:
        if m := pattern.search(text):
            return m.group(1).strip().rstrip(".")
    return None
