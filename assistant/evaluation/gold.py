"""Gold cases: one JSON object per line in `evals/gold.jsonl` (format in evals/README.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from assistant.contract import LANGUAGES, VERDICTS

DEFAULT_GOLD_SET = Path(__file__).resolve().parents[2] / "evals" / "gold.jsonl"


@dataclass(frozen=True)
class GoldCase:
    id: str
    question: str
    history: tuple[dict, ...]
    language: str
    verdicts: tuple[str, ...]
    sections: tuple[str, ...]
    evidence: tuple[str, ...]
    category: str
    split: str
    note: str = ""


class GoldSetError(ValueError):
    """A gold file line that does not follow the format."""


T = TypeVar("T")


def parsed_lines(path: Path, parse: Callable[[dict], T]) -> Iterator[tuple[int, T]]:
    """(line number, parse(object)) for each non-blank JSON line; a line that does not parse is a GoldSetError."""
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = parse(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise GoldSetError(f"{path}:{n}: {exc.__class__.__name__}: {exc}") from exc
        yield n, item


def _gold_case(row: dict) -> "GoldCase":
    return GoldCase(
        id=str(row["id"]),
        question=str(row["question"]),
        history=tuple(row.get("history") or ()),
        language=row["language"],
        verdicts=tuple(row["verdicts"]),
        sections=tuple(row.get("sections") or ()),
        evidence=tuple(row.get("evidence") or ()),
        category=str(row["category"]),
        split=row.get("split", "dev"),
        note=str(row.get("note") or ""),
    )


def load_gold(path: Path = DEFAULT_GOLD_SET, split: str = "all") -> list[GoldCase]:
    """Read and validate the cases of one split ("dev", "test" or "all")."""
    cases: list[GoldCase] = []
    seen: set[str] = set()
    for n, case in parsed_lines(path, _gold_case):
        problems = []
        if case.id in seen:
            problems.append(f"duplicate id {case.id}")
        if case.language not in LANGUAGES:
            problems.append(f"language {case.language!r}")
        if not case.verdicts or any(v not in VERDICTS for v in case.verdicts):
            problems.append(f"verdicts {case.verdicts!r}")
        if case.split not in ("dev", "test"):
            problems.append(f"split {case.split!r}")
        if problems:
            raise GoldSetError(f"{path}:{n}: " + "; ".join(problems))
        seen.add(case.id)
        if split == "all" or case.split == split:
            cases.append(case)
    return cases
