"""The evaluators' suite: metric functions on hand-made answers, and the real assistant on the test split
held to regression floors (a drop below what was measured fails CI)."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation.gold import DEFAULT_GOLD_SET, GoldCase, GoldSetError, load_gold
from assistant.evaluation.metrics import (
    Floors,
    citation_precise,
    floor_failures,
    floors_from,
    quotes_verbatim,
    score_case,
    summarise,
    verdict_correct,
    wilson_interval,
)
from assistant.evaluation.report import text_report

DOC = "kirjastopalvelukokonaisuuden-tyonjaot.txt"

# Measured on the held-out test split (see the README's evaluation section). These guard against
# regressions; the targets (95% ...) are the defaults of `Floors` and of `library-assistant eval`.
REGRESSION_FLOORS = Floors(
    verdict_accuracy=0.94,  # measured 0.968 (156 cases)
    precise_citations=0.93,  # 0.975
    not_covered_recall=0.94,  # 0.973 (37 cases: one case is 2.7 points)
    not_covered_precision=0.88,  # 0.973 (36 of 37 answered not covered: one case is 2.7 points)
    language_accuracy=1.0,
    non_verbatim_quotes=0,
)
# The held-out part of the independent follow-up conversations (66 cases, 11 not covered: too few for the
# not_covered rates to mean much, so they have no floor).
CONVERSATIONS = DEFAULT_GOLD_SET.parent / "conversations.jsonl"
# A third round, all dev, kept out of the file the coverage model is fitted on (see evals/README.md).
CONVERSATIONS_ROUND3 = DEFAULT_GOLD_SET.parent / "conversations_round3.jsonl"
CONVERSATIONS_ROUND4 = DEFAULT_GOLD_SET.parent / "conversations_round4.jsonl"
# Questions for a whole category ("what does the library not do?"), 35 cases; its test part is 12 cases.
OVERVIEW = DEFAULT_GOLD_SET.parent / "overview.jsonl"
OVERVIEW_FLOORS = Floors(
    verdict_accuracy=0.75,  # measured 0.833 (one case is 8.3 points)
    precise_citations=0.75,  # 0.833
    not_covered_recall=0.0,
    not_covered_precision=0.0,
    language_accuracy=1.0,
    non_verbatim_quotes=0,
)
CONVERSATION_FLOORS = Floors(
    verdict_accuracy=0.80,  # measured 0.833 (one case is 1.5 points)
    precise_citations=0.84,  # 0.891
    not_covered_recall=0.0,
    not_covered_precision=0.0,
    language_accuracy=1.0,
    non_verbatim_quotes=0,
)


def case(**overrides) -> GoldCase:
    values = dict(id="t-1", question="Myykö kirjasto kirjoja?", history=(), language="fi", verdicts=("no",),
                  sections=("2.4",), evidence=("kirjamyyntiä",), category="direct", split="dev")
    values.update(overrides)
    return GoldCase(**values)


def answer(verdict="no", quotes=(("2.4", "Kaupunginkirjastolla ei myöskään ole kirjamyyntiä tai omaa kustannustoimintaa."),), language="fi"):
    return {"question": "q", "language": language, "verdict": verdict, "answer": "a", "referral": None,
            "citations": [{"section": s, "heading": "h", "quote": q, "source": DOC, "start": 0, "end": len(q)} for s, q in quotes]}


def test_verdict_is_correct_when_any_accepted_label_matches():
    assert verdict_correct(case(verdicts=("yes", "partnership")), answer("partnership"))[0]
    ok, reason = verdict_correct(case(), answer("yes"))
    assert not ok and "expected no" in reason


@pytest.mark.parametrize(
    "quotes, expected",
    [
        ((("2.4", "Kaupunginkirjastolla ei myöskään ole kirjamyyntiä."),), True),
        ((("2.1", "x"), ("2.4", "... kirjamyyntiä ...")), True),  # second citation counts
        ((("2.1", "x"), ("2.1", "y"), ("2.4", "kirjamyyntiä")), False),  # third does not
        ((("2.3", "kirjamyyntiä"),), False),  # wrong section
        ((("2.4", "kirjamyyntiä " + "x" * 400),), False),  # too long to be precise
        ((("2.4", "KIRJAMYYNTIÄ"),), True),  # case-insensitive
    ],
)
def test_precise_citation(quotes, expected):
    assert citation_precise(case(), answer(quotes=quotes))[0] is expected


def test_precise_citation_does_not_apply_to_not_covered_cases():
    assert citation_precise(case(verdicts=("not_covered",), evidence=(), sections=()), answer("not_covered", ()))[0] is None


def test_non_verbatim_quote_is_caught():
    text = "Kaupunginkirjastolla ei myöskään ole kirjamyyntiä tai omaa kustannustoimintaa."
    assert quotes_verbatim(answer(), {DOC: text})[0]
    assert not quotes_verbatim(answer(quotes=(("2.4", "Kaupunginkirjasto myy kirjoja."),)), {DOC: text})[0]


def test_summary_counts_not_covered_precision_and_recall():
    text = {DOC: "x" * 500}
    results = [
        score_case(case(id="a", verdicts=("not_covered",), evidence=(), sections=()), answer("not_covered", ()), text),
        score_case(case(id="b", verdicts=("not_covered",), evidence=(), sections=()), answer("yes", ()), text),
        score_case(case(id="c"), answer("not_covered", ()), text),
    ]
    summary = summarise(results)
    assert summary.not_covered_recall == 0.5 and summary.not_covered_precision == 0.5
    assert summary.confusion["not_covered"]["yes"] == 1
    assert floor_failures(summary, Floors()) != []
    low, high = summary.intervals["not_covered_recall"]  # 1 of 2: hardly anything is known
    assert low < 0.1 and high > 0.9
    assert "95% interval" in text_report({"assistant": summary}, results)


def test_the_report_counts_answers_marked_uncertain_and_how_many_of_them_are_wrong():
    from assistant.compose import MAY_NOT_ANSWER

    text = {DOC: "x" * 500}
    unsure = lambda verdict, language: {**answer(verdict, ()), "answer": f"... {MAY_NOT_ANSWER[language]}"}
    results = [
        score_case(case(id="a", verdicts=("not_covered",), evidence=(), sections=()), unsure("yes", "en"), text),
        score_case(case(id="b", verdicts=("yes",), evidence=(), sections=()), unsure("yes", "fi"), text),
        score_case(case(id="c", verdicts=("yes",), evidence=(), sections=()), answer("yes", ()), text),
    ]
    line = next(l for l in text_report({"assistant": summarise(results)}, results).splitlines() if "uncertain" in l)
    assert line.split()[2:7] == ["2", "of", "which", "1", "with"]



def test_the_report_counts_unsure_not_covered_answers_and_how_many_the_document_answers():
    from assistant.compose import CLOSEST

    text = {DOC: "x" * 500}
    closest = lambda language: {**answer("not_covered", ()), "answer": "... " + CLOSEST[language].format(text="x")}
    results = [
        score_case(case(id="a", verdicts=("not_covered",), evidence=(), sections=()), closest("sv"), text),
        score_case(case(id="b", verdicts=("yes",), evidence=(), sections=()), closest("fi"), text),
        score_case(case(id="c", verdicts=("not_covered",), evidence=(), sections=()), answer("not_covered", ()), text),
    ]
    line = next(l for l in text_report({"assistant": summarise(results)}, results).splitlines() if "(unsure)" in l)
    assert line.split()[3:] == ["2", "closest", "statement", "shown;", "of", "which", "1", "the", "document", "answers", "(assistant)"]


def test_wilson_interval_narrows_with_more_cases():
    low, high = wilson_interval(90, 100)
    assert (round(low, 3), round(high, 3)) == (0.826, 0.945)
    assert wilson_interval(9, 10)[1] - wilson_interval(9, 10)[0] > high - low
    assert wilson_interval(10, 10)[1] == 1.0 and wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(0, 0) is None


def test_gold_file_is_valid_and_split_about_thirty_percent(document):
    cases = load_gold(DEFAULT_GOLD_SET)
    assert len(cases) >= 250
    test_share = sum(c.split == "test" for c in cases) / len(cases)
    assert 0.25 <= test_share <= 0.4
    assert sum("not_covered" in c.verdicts for c in cases) / len(cases) >= 0.15
    for c in cases:
        for phrase in c.evidence:
            assert phrase in document.text, (c.id, phrase)


def test_malformed_gold_line_names_the_line(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text(json.dumps({"id": "x", "question": "q", "language": "de", "verdicts": ["yes"], "category": "c"}) + "\n")
    with pytest.raises(GoldSetError, match=r"gold.jsonl:1: language 'de'"):
        load_gold(bad)


@pytest.mark.model
@pytest.mark.parametrize(
    "gold_set, floors",
    [(DEFAULT_GOLD_SET, REGRESSION_FLOORS), (CONVERSATIONS, CONVERSATION_FLOORS), (OVERVIEW, OVERVIEW_FLOORS)],
)
def test_assistant_on_the_held_out_test_split_stays_above_the_regression_floors(real_assistant, gold_set, floors):
    from assistant.evaluation.runner import run_cases

    cases = load_gold(gold_set, "test")
    documents = {d.source: d.text for d in real_assistant.writer.corpus.documents}
    results = run_cases(lambda q, h: real_assistant.ask(q, h).to_dict(), cases, documents)
    summary = summarise(results)
    assert floor_failures(summary, floors) == []


@pytest.mark.parametrize("path, at_least", [(CONVERSATIONS, 200), (CONVERSATIONS_ROUND3, 100), (CONVERSATIONS_ROUND4, 100)])
def test_the_conversations_are_valid_follow_ups(document, path, at_least):
    cases = load_gold(path)
    assert len(cases) >= at_least and all(c.category == "follow_up" and 1 <= len(c.history) <= 2 for c in cases)
    for c in cases:
        for phrase in c.evidence:
            assert phrase in document.text, (c.id, phrase)


def test_the_overview_questions_are_valid_single_questions_in_every_language(document):
    cases = load_gold(OVERVIEW)
    assert len(cases) == 35 and all(c.category == "overview" and not c.history and len(c.verdicts) == 1 for c in cases)
    assert {lang: sum(c.language == lang for c in cases) for lang in ("fi", "sv", "en")} == {"fi": 12, "sv": 12, "en": 11}
    for c in cases:
        for phrase in c.evidence:
            assert phrase in document.text, (c.id, phrase)


def test_floors_can_be_changed_one_by_one_and_bad_ones_are_explained():
    floors = floors_from(["verdict_accuracy=0.8", "non_verbatim_quotes=2"])
    assert floors.verdict_accuracy == 0.8 and floors.non_verbatim_quotes == 2
    assert floors.precise_citations == Floors().precise_citations
    for spec, message in (("verdict=0.9", "unknown floor"), ("verdict_accuracy=high", "needs a number"),
                          ("verdict_accuracy=95", "fraction between 0 and 1")):
        with pytest.raises(ValueError, match=message):
            floors_from([spec])


@pytest.mark.model
def test_no_conversation_restates_a_held_out_gold_test_case(real_assistant):
    """The conversations' dev part is tuned on; any that came within 0.95 e5 similarity of a gold test case
    (earlier turns and question read as one text) was dropped when they were written, so the gold test split
    stays unseen."""
    import numpy as np

    def as_text(case):
        return " ".join([turn["content"] for turn in case.history] + [case.question])

    embedder = real_assistant.ranker.embedder
    held_out = np.array([embedder.query_vector(as_text(c)) for c in load_gold(DEFAULT_GOLD_SET, "test")])
    conversations = load_gold(CONVERSATIONS) + load_gold(CONVERSATIONS_ROUND3) + load_gold(CONVERSATIONS_ROUND4)
    conversations += load_gold(OVERVIEW, "dev")
    closest = [float((held_out @ np.asarray(embedder.query_vector(as_text(c)))).max()) for c in conversations]
    assert max(closest) < 0.95
