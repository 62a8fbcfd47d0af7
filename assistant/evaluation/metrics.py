"""Metric functions: each takes a gold case and an answer (the JSON contract) and returns (value, reason)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, replace
from typing import Callable, Mapping

from assistant.compose import CLOSEST, MAY_NOT_ANSWER
from assistant.contract import VERDICTS
from assistant.evaluation.gold import GoldCase

MAX_QUOTE_CHARS = 400
PRECISE_CITATION_DEPTH = 2


def verdict_correct(case: GoldCase, answer: Mapping) -> tuple[bool, str]:
    ok = answer["verdict"] in case.verdicts
    return ok, "" if ok else f"verdict {answer['verdict']}, expected {'/'.join(case.verdicts)}"


def citation_precise(case: GoldCase, answer: Mapping) -> tuple[bool | None, str]:
    """One of the first two citations lies in an accepted section, is short, and contains the evidence.
    None for cases with no evidence to find (not_covered)."""
    if not case.evidence:
        return None, ""
    for citation in answer["citations"][:PRECISE_CITATION_DEPTH]:
        quote = citation["quote"].casefold()
        if (
            citation["section"] in case.sections
            and len(citation["quote"]) <= MAX_QUOTE_CHARS
            and any(phrase.casefold() in quote for phrase in case.evidence)
        ):
            return True, ""
    cited = ", ".join(c["section"] for c in answer["citations"][:PRECISE_CITATION_DEPTH]) or "none"
    return False, f"no precise citation in the first {PRECISE_CITATION_DEPTH} (sections cited: {cited})"


def language_correct(case: GoldCase, answer: Mapping) -> tuple[bool, str]:
    ok = answer["language"] == case.language
    return ok, "" if ok else f"answered in {answer['language']}, asked in {case.language}"


def quotes_verbatim(answer: Mapping, documents: Mapping[str, str]) -> tuple[bool, str]:
    for c in answer["citations"]:
        text = documents.get(c["source"])
        if text is None or text[c["start"] : c["end"]] != c["quote"]:
            return False, f"quote at {c['source']}:{c['start']}-{c['end']} is not verbatim"
    return True, ""


@dataclass
class CaseResult:
    case: GoldCase
    answer: dict
    verdict_ok: bool
    citation_ok: bool | None
    language_ok: bool
    verbatim_ok: bool
    reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0


def marked_uncertain(answer: Mapping) -> bool:
    """Whether the answer says the description may not answer exactly what was asked (a doubtful answer)."""
    return answer.get("verdict") != "not_covered" and any(s in answer.get("answer", "") for s in MAY_NOT_ANSWER.values())


def shows_closest(answer: Mapping) -> bool:
    """Whether a not_covered answer shows the statement that came closest (the coverage model was unsure)."""
    text = answer.get("answer", "")
    return answer.get("verdict") == "not_covered" and any(s.split("{")[0] in text for s in CLOSEST.values())


def score_case(case: GoldCase, answer: dict, documents: Mapping[str, str], seconds: float = 0.0) -> CaseResult:
    checks: list[Callable] = [verdict_correct, citation_precise, language_correct]
    (v_ok, v_why), (c_ok, c_why), (l_ok, l_why) = (check(case, answer) for check in checks)
    q_ok, q_why = quotes_verbatim(answer, documents)
    reasons = [r for r in (v_why, c_why, l_why, q_why) if r]
    return CaseResult(case, answer, v_ok, c_ok, l_ok, q_ok, reasons, seconds)


def _rate(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """95% Wilson score interval of a rate: how far the true rate may lie from the measured one.

    With 126 test cases, 90% measured means anywhere from about 84% to 94%; evaluators need that
    to judge whether a difference between runs, or from a target, is real.
    """
    if n == 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _interval(values: list[bool]) -> tuple[float, float] | None:
    return wilson_interval(sum(values), len(values))


@dataclass
class Summary:
    n: int
    verdict_accuracy: float | None
    precise_citations: float | None
    not_covered_precision: float | None
    not_covered_recall: float | None
    language_accuracy: float | None
    non_verbatim_quotes: int
    by_category: dict[str, dict]
    by_language: dict[str, dict]
    confusion: dict[str, dict[str, int]]
    intervals: dict[str, tuple[float, float] | None] = field(default_factory=dict)  # 95% Wilson, per headline rate

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def summarise(results: list[CaseResult]) -> Summary:
    def group(key: Callable[[CaseResult], str]) -> dict[str, dict]:
        buckets: dict[str, list[CaseResult]] = defaultdict(list)
        for r in results:
            buckets[key(r)].append(r)
        return {
            name: {
                "n": len(rs),
                "verdict_accuracy": _rate([r.verdict_ok for r in rs]),
                "precise_citations": _rate([r.citation_ok for r in rs if r.citation_ok is not None]),
            }
            for name, rs in sorted(buckets.items())
        }

    predicted_nc = [r for r in results if r.answer["verdict"] == "not_covered"]
    gold_nc = [r for r in results if "not_covered" in r.case.verdicts]
    outcomes = {
        "verdict_accuracy": [r.verdict_ok for r in results],
        "precise_citations": [r.citation_ok for r in results if r.citation_ok is not None],
        "not_covered_precision": ["not_covered" in r.case.verdicts for r in predicted_nc],
        "not_covered_recall": [r.answer["verdict"] == "not_covered" for r in gold_nc],
        "language_accuracy": [r.language_ok for r in results],
    }
    confusion: dict[str, dict[str, int]] = {g: {p: 0 for p in VERDICTS} for g in VERDICTS}
    for r in results:
        gold = r.answer["verdict"] if r.answer["verdict"] in r.case.verdicts else r.case.verdicts[0]
        confusion[gold][r.answer["verdict"]] += 1
    return Summary(
        n=len(results),
        **{name: _rate(values) for name, values in outcomes.items()},
        non_verbatim_quotes=sum(1 for r in results if not r.verbatim_ok),
        by_category=group(lambda r: r.case.category),
        by_language=group(lambda r: r.case.language),
        confusion=confusion,
        intervals={name: _interval(values) for name, values in outcomes.items()},
    )


@dataclass(frozen=True, kw_only=True)
class Floors:
    """The minimum the suite accepts (issue 3's targets on the test split)."""

    verdict_accuracy: float = 0.95
    precise_citations: float = 0.95
    not_covered_recall: float = 0.90
    not_covered_precision: float = 0.95
    language_accuracy: float = 1.0
    non_verbatim_quotes: int = 0


def floors_from(specs: list[str], base: Floors = Floors()) -> Floors:
    """Floors with `METRIC=VALUE` changes applied; ValueError with a readable message for a bad spec."""
    names = [f.name for f in fields(Floors)]
    changes: dict[str, float | int] = {}
    for spec in specs:
        name, _, raw = spec.partition("=")
        name = name.strip()
        if name not in names:
            raise ValueError(f"unknown floor {name!r} in {spec!r}; known: {', '.join(names)}")
        try:
            value = int(raw) if name == "non_verbatim_quotes" else float(raw)
        except ValueError:
            raise ValueError(f"floor {spec!r} needs a number after '='") from None
        if name != "non_verbatim_quotes" and not 0.0 <= value <= 1.0:
            raise ValueError(f"floor {spec!r}: a rate floor is a fraction between 0 and 1 (0.95, not 95)")
        changes[name] = value
    return replace(base, **changes)


def floor_failures(summary: Summary, floors: Floors) -> list[str]:
    failures = []
    for name in ("verdict_accuracy", "precise_citations", "not_covered_recall", "not_covered_precision", "language_accuracy"):
        value, floor = getattr(summary, name), getattr(floors, name)
        if value is not None and value < floor:
            failures.append(f"{name} {value:.3f} < {floor:.3f}")
    if summary.non_verbatim_quotes > floors.non_verbatim_quotes:
        failures.append(f"non_verbatim_quotes {summary.non_verbatim_quotes} > {floors.non_verbatim_quotes}")
    return failures


def counter_of(results: list[CaseResult], attr: str) -> Counter:
    return Counter(getattr(r.case, attr) for r in results)
