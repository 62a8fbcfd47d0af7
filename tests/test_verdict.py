"""Which statements a verdict cites: the best one, its other half, a close differently-labelled one, and a
close one of the same section and label that continues it."""

from __future__ import annotations

from assistant.retrieval import Evidence, Retrieval
from assistant.verdict import decide

STEM = "kirjastopalvelukokonaisuuden-tyonjaot"


def ranked(corpus, *scored: tuple[str, float]) -> Retrieval:
    evidence = tuple(Evidence(corpus.unit(f"{STEM}#{suffix}"), score, 0.95, 0.8) for suffix, score in scored)
    return Retrieval(ranked=evidence, content_words=4, unknown_words=0)


def cited(decision) -> list[str]:
    return [e.unit.id.split("#")[1] for e in decision.evidence]


def test_the_next_statement_of_the_same_section_and_label_is_cited_when_close(corpus):
    # The e-library project (3-4) and who funds it (3-5) are both "developing" statements of section 3.
    decision = decide(ranked(corpus, ("3-4", 1.07), ("3-5", 1.01), ("2.3-2", 0.91)))
    assert decision.verdict == "developing" and cited(decision) == ["3-4", "3-5"]


def test_a_statement_of_the_same_section_far_behind_is_not_cited(corpus):
    decision = decide(ranked(corpus, ("3-4", 1.07), ("3-5", 0.95)))
    assert cited(decision) == ["3-4"]


def test_a_close_runner_up_with_another_label_is_cited_only_within_the_second_opinion_margin(corpus):
    # 2.3-2 (partners) behind 3-4 (developing) by 0.05: not a continuation, and too far for a second opinion.
    assert cited(decide(ranked(corpus, ("3-4", 1.07), ("2.3-2", 1.02)))) == ["3-4"]
    assert cited(decide(ranked(corpus, ("3-4", 1.07), ("2.3-2", 1.06)))) == ["3-4", "2.3-2"]


def unsure_model(not_covered_probability: float):
    """A coverage model that gives every question the same probability of not being covered."""
    import math

    from assistant.coverage import CoverageModel

    logit = math.log(not_covered_probability / (1 - not_covered_probability))
    return CoverageModel("test", ("dense",), (0.0,), (1.0,), (0.0,), bias=logit)


def test_an_answer_the_coverage_model_is_unsure_of_is_marked_doubtful_and_one_it_rejects_is_not_covered(corpus):
    from assistant.retrieval import MatchProfile

    profile = MatchProfile(top_text_view=0.9, top_question_view=0.9, best_text_view=0.9, top_gap5=0.05)
    retrieval = Retrieval(ranked(corpus, ("2.4-2", 1.0)).ranked, content_words=4, unknown_words=0, profile=profile)
    sure, unsure, rejected_unsure, rejected = (decide(retrieval, coverage=unsure_model(p)) for p in (0.1, 0.3, 0.6, 0.9))
    assert (sure.verdict, sure.doubtful) == ("no", False)
    assert (unsure.verdict, unsure.doubtful) == ("no", True)
    # Rejected, but not by much: the statement that came closest goes with it, and nothing is cited.
    assert (rejected_unsure.verdict, rejected_unsure.doubtful, rejected_unsure.evidence) == ("not_covered", True, ())
    assert rejected_unsure.closest.unit.id == "kirjastopalvelukokonaisuuden-tyonjaot#2.4-2"
    assert (rejected.verdict, rejected.doubtful, rejected.closest) == ("not_covered", False, None)
    assert not decide(retrieval).doubtful  # the rule gate has no probability to be unsure with
