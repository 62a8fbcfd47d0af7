"""The answer text: what the document says, in the question's language, never half a sentence."""

from __future__ import annotations

import pytest

from assistant.aligned import load_alignment
from assistant.answer_type import UNSTATED_KINDS
from assistant.compose import UNSTATED, AnswerWriter
from assistant.config import DEFAULT_CORPUS_DIR
from assistant.retrieval import Evidence
from assistant.verdict import Decision

STEM = "kirjastopalvelukokonaisuuden-tyonjaot"


@pytest.fixture(scope="module")
def writer(corpus):
    return AnswerWriter(corpus, load_alignment(DEFAULT_CORPUS_DIR, corpus), "https://www.helmet.fi")


def evidence(corpus, suffix: str) -> Evidence:
    return Evidence(corpus.unit(f"{STEM}#{suffix}"), 0.9, 0.9, 0.5)


@pytest.mark.parametrize(
    "language, first_half",
    [("fi", "Kaupunginkirjasto ei itse järjestä maksullisia tapahtumia vaan vuokraa"), ("en", "paid events")],
)
def test_a_second_statement_cut_at_vaan_is_shown_as_its_whole_sentence(corpus, writer, language, first_half):
    # Renting long term is not done (2.4-7); the next citation is the second half of the sentence before it,
    # "vaan vuokraa tiloja tapahtumajärjestäjille", which alone does not say what the library does not do.
    decision = Decision("no", (evidence(corpus, "2.4-7"), evidence(corpus, "2.4-6b")), 0.9, "test")
    answer = writer.write("q", language, decision)
    also = answer.answer.split("Lisäksi kuvauksessa sanotaan:" if language == "fi" else "also says:")[1]
    assert first_half in also
    assert [c.quote for c in answer.citations][1] == "vaan vuokraa tiloja tapahtumajärjestäjille."


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_who_does_it_instead_is_said_once(corpus, writer, language):
    # The whole 2.4-1 sentence already ends "vaan sitä hoitavat oppilaitokset": the answer text does not add
    # the referral sentence again, and the referral field still names who does it.
    decision = Decision("no", (evidence(corpus, "2.4-1a"), evidence(corpus, "2.4-1b")), 0.9, "test")
    answer = writer.write("q", language, decision)
    assert answer.referral
    assert answer.referral not in answer.answer
    actors = answer.referral.split(":", 1)[1].strip(" .")
    assert answer.answer.casefold().count(actors.casefold()) == 1


def test_a_no_answer_adds_who_does_it_when_its_statement_does_not_name_them(corpus):
    from dataclasses import replace

    from assistant.aligned import Alignment

    # No aligned entries (as when they are stale): the actors come from the unit itself.
    bare = AnswerWriter(corpus, Alignment({}, (), (), ""), "https://www.helmet.fi")
    unit = corpus.unit(f"{STEM}#2.4-1a")
    decision = Decision("no", (Evidence(replace(unit, actors="kansalaisopistot"), 0.9, 0.9, 0.5),), 0.9, "test")
    answer = bare.write("q", "fi", decision)
    assert answer.referral == "Tätä hoitaa sen sijaan: kansalaisopistot."
    assert answer.answer.endswith(answer.referral)


@pytest.mark.parametrize("language, lead", [
    ("fi", "Kyllä, maksutta"), ("sv", "Ja, avgiftsfritt"), ("en", "Yes, free of charge"),
])
def test_is_it_free_answered_by_a_no_for_the_paid_kind_says_free(corpus, writer, language, lead):
    # "Are the e-services free?" -> 2.4-5 "Kirjasto ei tuota käyttäjille maksullisia digitaalisia palveluja."
    decision = Decision("yes", (evidence(corpus, "2.4-5"),), 0.9, "test", affirms="free")
    answer = writer.write("q", language, decision)
    assert answer.answer.startswith(lead) and answer.verdict == "yes"
    assert answer.citations[0].quote == "Kirjasto ei tuota käyttäjille maksullisia digitaalisia palveluja."


def test_partners_are_named_in_the_nominative_in_finnish(corpus, writer):
    # The sentence says "... yhteistyössä muiden kirjastojen, järjestöjen sekä päiväkotien ja oppilaitosten kanssa".
    unit = next(u for u in corpus.units if u.actors and u.actors.startswith("muiden kirjastojen"))
    answer = writer.write("q", "fi", Decision("partnership", (Evidence(unit, 0.9, 0.9, 0.5),), 0.9, "test"))
    assert "Kumppaneita: muut kirjastot, järjestöt sekä päiväkodit ja oppilaitokset." in answer.answer


def test_partners_already_named_by_the_statement_are_not_named_again(corpus, writer):
    unit = next(u for u in corpus.units if u.actors and "Enter ry" in u.actors)
    answer = writer.write("q", "en", Decision("partnership", (Evidence(unit, 0.9, 0.9, 0.5),), 0.9, "test"))
    assert answer.answer.count("Enter ry") == 1
    assert "Partners:" not in answer.answer


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_doubtful_answer_says_the_description_may_not_answer_exactly_this_and_points_onward(corpus, writer, language):
    from assistant.compose import INSTEAD, MAY_NOT_ANSWER, NOT_COVERED_REFERRAL

    sure = writer.write("q", language, Decision("yes", (evidence(corpus, "2.1-4"),), 0.9, "test"))
    unsure = writer.write("q", language, Decision("yes", (evidence(corpus, "2.1-4"),), 0.9, "test", doubtful=True))
    assert MAY_NOT_ANSWER[language] not in sure.answer and sure.referral is None
    assert unsure.answer == f"{sure.answer} {MAY_NOT_ANSWER[language]}"
    assert unsure.referral == NOT_COVERED_REFERRAL[language].format(url="https://www.helmet.fi")
    # Who does it instead stays the referral: it points onward already.
    denied = writer.write("q", language, Decision("no", (evidence(corpus, "2.4-4"),), 0.9, "test", doubtful=True))
    assert denied.referral.startswith(INSTEAD[language].split("{")[0])


@pytest.mark.parametrize("language, lead", [
    ("fi", "Kyllä: kirjasto vuokraa tiloja"), ("sv", "Ja: biblioteket hyr ut lokaler"), ("en", "Yes: the library rents its spaces"),
])
def test_a_yes_from_renting_spaces_to_organisers_says_so_rather_than_that_the_library_does_it_itself(
    corpus, writer, language, lead
):
    # "Can I organise a paid event at the library?" -> 2.4-6b "vaan vuokraa tiloja tapahtumajärjestäjille", whose
    # sentence begins "the library does not itself organise paid events": "does this itself" read as a contradiction.
    decision = Decision("yes", (evidence(corpus, "2.4-6b"), evidence(corpus, "2.4-6a")), 0.9, "test")
    answer = writer.write("q", language, decision)
    assert answer.answer.startswith(lead)
    assert "itself" not in answer.answer.split(".")[0] and "itse." not in answer.answer.split(":")[0]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_doubtful_not_covered_shows_the_closest_statement_in_words_but_cites_nothing(corpus, writer, language):
    from assistant.cli import format_answer
    from assistant.compose import CLOSEST, NOT_COVERED_REFERRAL, NOT_COVERED_UNSURE

    plain = writer.write("q", language, Decision("not_covered", (), 0.9, "test"))
    closest = evidence(corpus, "2.1-4")
    unsure = writer.write("q", language, Decision("not_covered", (), 0.9, "test", doubtful=True, closest=closest))
    assert plain.closest is None and CLOSEST[language].split("{")[0] not in plain.answer
    assert unsure.answer.startswith(NOT_COVERED_UNSURE[language] + " " + CLOSEST[language].split("{")[0])
    assert unsure.answer.endswith(writer._text(closest.unit, language))
    assert unsure.referral == plain.referral == NOT_COVERED_REFERRAL[language].format(url="https://www.helmet.fi")
    # The JSON contract is unchanged: a not_covered cites nothing, and the closest statement is no key of it.
    assert unsure.citations == () and unsure.to_dict().keys() == plain.to_dict().keys()
    quote = unsure.closest.quote
    assert quote == corpus.document(closest.unit.source).text[unsure.closest.start : unsure.closest.end]
    assert "Closest statement" in format_answer(unsure) and f"\u201c{quote}\u201d" in format_answer(unsure)
    assert "Closest statement" not in format_answer(plain)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("kind", UNSTATED_KINDS)
def test_a_not_covered_for_a_kind_of_fact_says_what_the_description_lacks_in_the_questions_language(
    writer, kind, language
):
    answer = writer.write("q", language, Decision("not_covered", (), 0.9, "test", unstated=kind))
    assert UNSTATED[kind][language] in answer.answer
    assert answer.referral and answer.citations == ()
    plain = writer.write("q", language, Decision("not_covered", (), 0.9, "test"))
    assert not any(sentence in plain.answer for sentences in UNSTATED.values() for sentence in sentences.values())


def test_every_kind_of_unstated_fact_has_its_sentence_in_every_language():
    assert set(UNSTATED) == set(UNSTATED_KINDS)
    assert all(set(sentences) == {"fi", "sv", "en"} for sentences in UNSTATED.values())
