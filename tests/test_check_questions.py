"""Scoring the check questions end to end: covered or not, by round and language."""

from __future__ import annotations

import json

from assistant.compose import CLOSEST
from assistant.evaluation.check_questions import main, score_check_questions
from assistant.evaluation.fit_coverage import TrainingQuestion


def question(id, covered, sections=(), language="fi"):
    return TrainingQuestion(id=id, question=f"q {id}", language=language, covered=covered, sections=tuple(sections))


def answer(verdict, section=None, text=""):
    citations = [{"section": section, "quote": "x"}] if section else []
    return {"verdict": verdict, "citations": citations, "answer": text}


def test_not_covered_is_scored_against_the_label_by_round_and_language():
    questions = [
        question("gate3-fi-001", True, ["2.1"]),  # answered from its section: right, cited right
        question("gate3-fi-002", True, ["2.4"]),  # taken for not covered: wrong
        question("gate5-sv-001", False, language="sv"),  # not covered, said so: right
        question("gate5-sv-002", False, language="sv"),  # not covered, answered: wrong
        question("gate5-sv-003", True, ["2"], language="sv"),  # answered from 2.3, which lies within 2: cited right
        question("gate5-sv-004", True, ["2.1"], language="sv"),  # answered from 2.10 is not 2.1
    ]
    unsure = CLOSEST["fi"].format(text="...")  # not covered, the closest statement shown
    answers = [
        answer("yes", "2.1"), answer("not_covered", text=unsure), answer("not_covered"), answer("yes", "2.1"),
        answer("partnership", "2.3"), answer("yes", "2.10"),
    ]
    scores = score_check_questions(questions, answers)

    assert list(scores) == ["all", "round gate3", "round gate5", "language fi", "language sv"]
    everything = scores["all"]
    assert (everything.questions, everything.right) == (6, 4)
    assert everything.precision == 1 / 2 and everything.recall == 1 / 2
    assert (everything.cited_from_listed_section, everything.covered) == (2, 4)
    assert (everything.closest_shown, everything.closest_shown_covered) == (1, 1)
    assert scores["round gate3"].accuracy == 1 / 2
    assert scores["language sv"].right == 3 and scores["language sv"].recall == 1 / 2


def test_the_command_reads_the_set_and_prints_a_table(tmp_path, capsys):
    path = tmp_path / "check.jsonl"
    rows = [
        {"id": "gate3-en-001", "language": "en", "question": "Does the library sell books?", "covered": True,
         "sections": ["2.4"], "note": ""},
        {"id": "gate3-en-002", "language": "en", "question": "Can I bring my dog?", "covered": False,
         "sections": [], "note": ""},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    said = {"Does the library sell books?": answer("no", "2.4"), "Can I bring my dog?": answer("yes", "2.1")}

    assert main(["--set", str(path)], ask=said.__getitem__) == 0

    table = capsys.readouterr().out
    assert "round gate3" in table and "language en" in table
    all_row = next(line for line in table.splitlines() if line.startswith("all"))
    assert all_row.split()[1:3] == ["2", "50.0%"] and all_row.split()[-2:] == ["0", "(0)"]
