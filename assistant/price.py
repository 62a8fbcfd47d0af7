"""Free or paid: the qualifier on which neighbouring statements of the description turn.

2.1 says the library organises *free* events; 2.4 that it does not organise *paid* events nor produce paid
digital services. e5 reads "free" and "paid" as nearly the same word (a question about free events
matches the paid-events statement at 0.99), so the ranker needs to be told when a statement answers a
question about price otherwise than its words suggest.
"""

from __future__ import annotations

import re

FREE, PAID = "free", "paid"

# Per language: what says "free of charge", and what says "costs money". Free is looked for first and its
# matches removed, so "free of charge" is not read as a charge.
_FREE = {
    "fi": r"\b(maksut(on|toma|tomi|tonta|toman)\w*|ilmai(nen|s)\w*)",
    "sv": r"\b(gratis\w*|avgiftsfri\w*|kostnadsfri\w*|utan (avgift|kostnad))",
    "en": r"\b(free( of charge)?|no charge|without charge|at no cost|gratis)\b",
}
_PAID = {
    "fi": r"\b(\w*maksulli\w*|\w*maksu(a|n|t|ja|ihin|lla|ssa)?\b|maksa(a|vat|nko|ako|aako|nut)\b|pääsylip\w*|\w*lipu(llinen|llis)\w*)",
    "sv": r"\b(avgiftsbelag\w*|avgiftspliktig\w*|\w*avgift\w*|betal\w*|kosta\w*|inträde\w*)",
    "en": r"\b(paid|pay|pays|paying|cost|costs|fee|fees|ticketed|charges?|charged|charging|admission)\b",
}
_COMPILED = {lang: (re.compile(_FREE[lang], re.I), re.compile(_PAID[lang], re.I)) for lang in _FREE}


def price(text: str, language: str) -> str | None:
    """FREE or PAID when the text speaks of one of them (and not both), else None."""
    free, paid = _COMPILED[language]
    says_free = bool(free.search(text))
    says_paid = bool(paid.search(free.sub(" ", text)))
    if says_free == says_paid:
        return None
    return FREE if says_free else PAID


def answers_otherwise(asked: str | None, stated: str | None, *, denies: bool) -> bool:
    """Whether a statement that speaks of `stated` (and denies it, when `denies`) answers a question that asks
    about `asked` less than its words suggest: it says the opposite price ("paid" for "free"), or it is a "no"
    that holds for the paid kind only ("does not organise paid events") and the question asks about the kind
    in general ("does the library organise events?")."""
    if asked is None:
        return denies and stated == PAID
    return stated is not None and stated != asked
