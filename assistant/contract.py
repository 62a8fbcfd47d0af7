"""The answer contract shared by the CLI, the JSON API, the web app and the evaluators' tools.

Keep it stable: evaluators' scripts parse exactly these keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["yes", "purchased", "partnership", "no", "developing", "not_covered"]
VERDICTS: tuple[str, ...] = ("yes", "purchased", "partnership", "no", "developing", "not_covered")
Language = Literal["fi", "sv", "en"]
LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")


@dataclass(frozen=True)
class Citation:
    """A verbatim quote: `quote == document_text[start:end]` in the whitespace-collapsed document."""

    section: str
    heading: str
    quote: str
    source: str
    start: int
    end: int
    # Not part of the JSON contract: the paragraph around the quote, for showing it in context.
    paragraph: str = field(default="", compare=False)
    paragraph_start: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "heading": self.heading,
            "quote": self.quote,
            "source": self.source,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Answer:
    """One answered question."""

    question: str
    language: str
    verdict: str
    answer: str
    referral: str | None
    citations: tuple[Citation, ...] = ()
    # Not part of the JSON contract: the coverage model was unsure, and the answer text says the description
    # may not answer exactly this. Views mark the verdict as uncertain.
    doubtful: bool = field(default=False, compare=False)
    # Not part of the JSON contract (a not_covered answer cites nothing): for a not_covered the coverage model was
    # unsure of, the statement that came closest, which views show for the person to read and judge.
    closest: Citation | None = field(default=None, compare=False)

    @property
    def referral_to_show(self) -> str | None:
        """The referral, when the answer text does not already say it: views show it once."""
        return self.referral if self.referral and self.referral not in self.answer else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "language": self.language,
            "verdict": self.verdict,
            "answer": self.answer,
            "referral": self.referral,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class Turn:
    """One earlier chat message, oldest first; assistant turns may be omitted."""

    role: Literal["user", "assistant"]
    content: str


class InputError(ValueError):
    """A question that cannot be answered as given (empty, too long, ...): the message is for the person."""
