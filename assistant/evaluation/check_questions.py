"""Score the check questions end to end: `python -m assistant.evaluation.check_questions [--set PATH]`.

The check questions (`evals/coverage_check.jsonl`) are labelled only "covered or not" and are never fitted on.
This asks each one as a person would (every rule and the coverage model in play) and counts how often
`not_covered` is given exactly when the description does not answer, with not_covered precision and recall,
and how many covered ones are answered from one of their listed sections; also how many `not_covered` answers
come with the closest statement (the coverage model was unsure) and how many of those the description does
answer. By round (the id's prefix, `gate3`, `gate5`, ...) and by language, so a fresh round can be read apart
from the older ones.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from assistant.evaluation.fit_coverage import DEFAULT_CHECK_SET, TrainingQuestion, load_training_questions
from assistant.evaluation.metrics import shows_closest


@dataclass
class CheckScore:
    questions: int = 0
    right: int = 0  # not_covered given exactly when not covered
    not_covered_hits: int = 0
    not_covered_given: int = 0
    not_covered_labelled: int = 0
    covered: int = 0
    cited_from_listed_section: int = 0  # covered, answered, first citation in a listed section
    closest_shown: int = 0  # not_covered given with the closest statement (the coverage model was unsure)
    closest_shown_covered: int = 0  # ... to a question the description answers

    def add(self, question: TrainingQuestion, answer: Mapping) -> None:
        said_not_covered = answer["verdict"] == "not_covered"
        self.questions += 1
        self.right += said_not_covered != question.covered
        self.not_covered_given += said_not_covered
        self.not_covered_labelled += not question.covered
        self.not_covered_hits += said_not_covered and not question.covered
        if shows_closest(answer):
            self.closest_shown += 1
            self.closest_shown_covered += question.covered
        if question.covered:
            self.covered += 1
            first = answer["citations"][0]["section"] if answer["citations"] else None
            self.cited_from_listed_section += (
                not said_not_covered and first is not None and any(_within(first, s) for s in question.sections)
            )

    @property
    def accuracy(self) -> float:
        return self.right / self.questions if self.questions else 0.0

    @property
    def precision(self) -> float:
        return self.not_covered_hits / self.not_covered_given if self.not_covered_given else 0.0

    @property
    def recall(self) -> float:
        return self.not_covered_hits / self.not_covered_labelled if self.not_covered_labelled else 0.0


def _within(section: str, listed: str) -> bool:
    """"2.1" lies within "2.1" and within "2"; "2.10" does not lie within "2.1"."""
    return section == listed or section.startswith(listed + ".")


def round_of(question: TrainingQuestion) -> str:
    return question.id.split("-", 1)[0]


def score_check_questions(
    questions: Sequence[TrainingQuestion], answers: Iterable[Mapping]
) -> dict[str, CheckScore]:
    """Scores for "all", for each round and for each language (keys "round gate3", "language fi")."""
    overall: dict[str, CheckScore] = {"all": CheckScore()}
    rounds: dict[str, CheckScore] = {}
    languages: dict[str, CheckScore] = {}
    for question, answer in zip(questions, answers, strict=True):
        overall["all"].add(question, answer)
        rounds.setdefault(f"round {round_of(question)}", CheckScore()).add(question, answer)
        languages.setdefault(f"language {question.language}", CheckScore()).add(question, answer)
    return overall | rounds | languages


def check_table(scores: Mapping[str, CheckScore]) -> str:
    lines = [
        f"{'':16}{'questions':>10}{'right':>9}{'NC precision':>14}{'NC recall':>11}{'cited from listed':>19}"
        f"{'NC unsure (covered)':>21}"
    ]
    for key, s in scores.items():
        lines.append(
            f"{key:16}{s.questions:>10}{s.accuracy:>9.1%}{s.precision:>14.1%}{s.recall:>11.1%}"
            f"{f'{s.cited_from_listed_section} of {s.covered}':>19}{f'{s.closest_shown} ({s.closest_shown_covered})':>21}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None, ask: Callable[[str], Mapping] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.check_questions", description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="check_set", default=str(DEFAULT_CHECK_SET), help="check questions JSONL")
    args = parser.parse_args(argv)
    questions = load_training_questions(Path(args.check_set))
    if ask is None:
        from assistant.chain import load_assistant
        from assistant.config import Settings

        assistant = load_assistant(Settings.from_env())
        ask = lambda question: assistant.ask(question).to_dict()  # noqa: E731
    print(check_table(score_check_questions(questions, (ask(q.question) for q in questions))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
