"""Ingestion of the real document: headings, offsets, artefacts, paragraphs, clauses and modalities."""

from __future__ import annotations

import pytest

from assistant.config import DEFAULT_CORPUS_DIR
from assistant.corpus import (
    MAX_QUOTE_CHARS,
    CorpusError,
    collapse_whitespace,
    load_corpus,
    parse_document,
)
from assistant.modality import Modality

EXPECTED_SECTIONS = [
    ("0", "Kirjastopalvelukokonaisuuden työnjakojen kuvaus"),
    ("1", "Kirjastopalvelukokonaisuuden ydintehtävät"),
    ("2", "Työnjakojen kuvaus"),
    ("2.1", "Kirjasto toteuttaa omana palvelutuotantona"),
    ("2.2", "Kirjasto ostaa palveluna"),
    ("2.3", "Kirjasto tuottaa yhteistyössä"),
    ("2.4", "Kirjasto ei tee"),
    ("3", "Työnjakoon liittyviä selvitettäviä asioita"),
]


def test_every_heading_is_found_with_its_printed_number(document):
    assert [(s.id, s.heading) for s in document.sections] == EXPECTED_SECTIONS


def test_heading_after_a_page_break_artefact_is_found(document):
    # In the file, " 2.4 Kirjasto ei tee" starts with a space and follows a text line directly.
    assert " 2.4 Kirjasto ei tee" in document.raw
    section = next(s for s in document.sections if s.id == "2.4")
    assert document.text[section.start : section.start + len("2.4 Kirjasto ei tee")] == "2.4 Kirjasto ei tee"


def test_section_modalities_follow_the_headings(document):
    priors = {s.id: s.modality for s in document.sections}
    assert priors["2.1"] is Modality.DOES_ITSELF
    assert priors["2.2"] is Modality.BUYS
    assert priors["2.3"] is Modality.WITH_PARTNERS
    assert priors["2.4"] is Modality.DOES_NOT
    assert priors["3"] is Modality.DEVELOPING


def test_unit_offsets_point_into_the_collapsed_text_and_back_to_the_file(document):
    for unit in document.units:
        assert document.text[unit.start : unit.end] == unit.text
        raw_start, raw_end = document.raw_span(unit.start, unit.end)
        assert " ".join(document.raw[raw_start:raw_end].split()) == unit.text
        assert unit.text == unit.text.strip() and "  " not in unit.text
        assert len(unit.text) <= MAX_QUOTE_CHARS


def test_collapsed_text_is_the_file_with_whitespace_runs_collapsed(document):
    assert document.text == " ".join(document.raw.split())


def test_line_starting_with_a_space_stays_in_its_section(corpus):
    unit = next(u for u in corpus.units if u.text.startswith("Kirjasto tarjoaa tiloja oppimiseen"))
    assert unit.section == "2.1"


def test_sentence_spread_over_blank_separated_lines_is_one_unit(corpus, document):
    unit = next(u for u in corpus.units if u.text.startswith("Kaupunginkirjaston omana palvelutuotantona"))
    assert unit.text.endswith("asiantuntijapalvelut.")
    assert document.paragraph_of(unit).startswith("Kaupunginkirjaston omana palvelutuotantona")


def test_negated_sentence_is_cut_before_vaan_and_the_halves_get_their_own_roles(corpus):
    by_text = {u.text: u for u in corpus.units}
    no = by_text["Kaupunginkirjasto ei itse järjestä maksullisia tapahtumia"]
    instead = by_text["vaan vuokraa tiloja tapahtumajärjestäjille."]
    assert (no.modality, no.negated) == (Modality.DOES_NOT, True)
    assert instead.modality is Modality.DOES_ITSELF  # the library is the elided subject
    assert no.sentence_start == instead.sentence_start

    literacy = by_text["vaan sitä hoitavat oppilaitokset."]
    assert literacy.modality is Modality.DOES_NOT and literacy.actors == "oppilaitokset"
    assert by_text["Kirjaston tehtäviin ei kuulu lukutaidon alkeisopetus"].actors == "oppilaitokset"


@pytest.mark.parametrize(
    "start, modality, actors",
    [
        ("Kaupunginkirjastolla ei myöskään ole kirjamyyntiä", Modality.DOES_NOT, None),
        ("Kaupunginkirjastolla ei ole kulttuuriaineistolain", Modality.DOES_NOT, "kansalliskirjasto"),
        ("Yliopistokirjastot ja erikoiskirjastot hoitavat", Modality.DOES_NOT, "Yliopistokirjastot ja erikoiskirjastot"),
        ("Kirjasto ostaa asiantuntija- ja tapahtumapalveluja", Modality.BUYS, None),
        ("Tärkeimpiä kirjastokumppaneita ovat", Modality.WITH_PARTNERS, "pääkaupunkiseudun muiden kuntien kirjastot, Celia-kirjasto ja Kansalliskirjasto"),
        ("Kirjastopalveluja tuotetaan ja kehitetään yhteistyössä", Modality.WITH_PARTNERS, "asukkaiden, muiden kirjastojen, kolmannen sektorin, tekijänoikeusjärjestöjen ja yksityisten toimijoiden"),
        ("Kirjasto järjestää itse sekä tarjoaa", Modality.DOES_ITSELF, None),
        ("Erilaisissa jakamistalouden palveluissa", Modality.DEVELOPING, None),
    ],
)
def test_unit_modality_and_actors(corpus, start, modality, actors):
    unit = next(u for u in corpus.units if u.text.startswith(start))
    assert unit.modality is modality
    assert unit.actors == actors


def test_long_statutory_list_is_cut_at_semicolons(corpus):
    tasks = [u for u in corpus.units if u.section == "1" and u.id.rsplit("-", 1)[1].startswith("3")]
    assert [u.text for u in tasks][1:3] == ["ylläpitää monipuolista ja uudistuvaa kokoelmaa", "edistää lukemista ja kirjallisuutta"]


def test_unit_ids_are_stable_and_unique(corpus):
    ids = [u.id for u in corpus.units]
    assert len(ids) == len(set(ids))
    assert "kirjastopalvelukokonaisuuden-tyonjaot#2.4-6b" in ids
    assert [u.id for u in load_corpus(DEFAULT_CORPUS_DIR).units] == ids


def test_another_document_with_numbered_headings_needs_no_code_change(tmp_path):
    (tmp_path / "README.md").write_text("# About this folder\nNot a document.\n", encoding="utf-8")
    (tmp_path / "toinen.md").write_text(
        "Toinen kuvaus\n\n1. Tehtävät\nKirjasto lainaa\nkirjoja. Se ei myy kahvia vaan sitä myy kahvila.\n\n"
        " 2. Kirjasto ei tee\n\nKirjasto ei korjaa polkupyöriä.\n",
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path)
    assert [d.source for d in corpus.documents] == ["toinen.md"]
    doc = corpus.documents[0]
    assert [(s.id, s.heading) for s in doc.sections] == [("0", "Toinen kuvaus"), ("1", "Tehtävät"), ("2", "Kirjasto ei tee")]
    texts = [(u.section, u.text, u.modality) for u in doc.units]
    assert ("1", "Kirjasto lainaa kirjoja.", Modality.DOES_ITSELF) in texts
    assert ("1", "Se ei myy kahvia", Modality.DOES_NOT) in texts
    assert ("2", "Kirjasto ei korjaa polkupyöriä.", Modality.DOES_NOT) in texts


def test_numbers_that_break_the_outline_are_not_headings():
    doc = parse_document("x.txt", "1. Alku\nTeksti.\n2016 alkaen Kirjasto kasvoi.\n7. Väärä numero\n2. Loppu\nTeksti.\n")
    assert [s.id for s in doc.sections] == ["1", "2"]


def test_collapse_whitespace_keeps_a_raw_offset_per_character():
    text, offsets = collapse_whitespace("  a \n\n b\tc  ")
    assert text == "a b c"
    assert [("  a \n\n b\tc  ")[i] for i in offsets] == ["a", " ", "b", "\t", "c"]


def test_empty_or_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no .txt or .md documents"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "missing")


def test_undecodable_corpus_file_is_a_clear_error(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CorpusError, match="cannot read corpus file bad.txt"):
        load_corpus(tmp_path)
