"""Typo correction in the lexical search: it fixes slips of the keyboard and leaves real words alone."""

from __future__ import annotations

import pytest

from assistant.lexical import Analyzer, LexicalIndex, _edit_distance, closest_spelling

VOCABULARY = sorted(["speaking", "kirjasto", "kirjastoon", "tapahtumia", "näyttelyitä", "organise", "lainaus",
                     "bibliotek", "biblioteket", "evenemang"])


@pytest.mark.parametrize("typed, meant", [
    ("kirjsto", "kirjasto"),          # a letter missing
    ("kirjatso", "kirjasto"),         # two letters swapped
    ("tapahtumai", "tapahtumia"),
    ("organize", "organise"),         # a letter wrong
    ("näyttelyita", "näyttelyitä"),
    ("bibliotke", "bibliotek"),
    ("evenemnag", "evenemang"),       # a swap in a long word
])
def test_slips_of_the_keyboard_are_corrected(typed, meant):
    assert closest_spelling(typed, VOCABULARY) == meant


@pytest.mark.parametrize("word", [
    "parking",         # not "speaking": three edits
    "kirjastokortin",  # a real compound, not "kirjastoon"
    "lainaa",          # too far from "lainaus"
    "airjasto",        # a typo keeps its first letter
])
def test_real_words_are_not_turned_into_document_words(word):
    assert closest_spelling(word, VOCABULARY) is None


@pytest.mark.parametrize("a, b, distance", [
    ("ab", "ba", 1), ("kitten", "sitting", 3), ("same", "same", 0), ("", "abc", 3), ("abcd", "acbd", 1),
])
def test_edit_distance_counts_swaps_as_one_edit(a, b, distance):
    assert _edit_distance(a, b, 5) == distance
    assert _edit_distance(a, b, distance) == distance
    if distance:
        assert _edit_distance(a, b, distance - 1) == distance  # "more than the limit" is limit + 1


def finnish_index(text: str, needs: str):
    """A one-document Finnish lexical index on Voikko; the test is skipped without it."""
    from assistant.chain import analyzers_for_languages

    analyzer = analyzers_for_languages()["fi"]
    if analyzer.backend != "voikko":
        pytest.skip(f"{needs} come from Voikko (libvoikko1 + voikko-fi)")
    return LexicalIndex(analyzer, [analyzer.text_terms(text)], analyzer.tokens(text))


def test_a_compound_is_known_only_when_all_its_parts_are():
    index = finnish_index(
        "Kirjastot ovat kohtaamispaikkoja ja tarjoavat asiakastietokoneita sekä lainattavia soittimia.",
        needs="compound parts",
    )
    unknown = index.unknown_tokens("Onko kirjastossa parkkipaikkoja, porakoneita tai tietokoneita?")
    # "paikka" and "kone" are parts of words the text uses, "parkki" and "pora" are not.
    assert "parkkipaikkoja" in unknown and "porakoneita" in unknown
    assert "tietokoneita" not in unknown  # both parts (tieto, kone) are in "asiakastietokoneita"


def test_a_finnish_word_the_spell_checker_knows_is_not_respelt():
    index = finnish_index("Kirjasto tarjoaa tuolin ja pöydän jokaiselle.", needs="spell-checked words")
    assert "tuoli" in index.word("tuolinn")  # a typo: respelt as the text's "tuolin"
    # "tuulin" is also one edit from "tuolin", but it is a real word (the wind's): it stays itself.
    assert "tuuli" in index.word("tuulin") and "tuoli" not in index.word("tuulin")


@pytest.mark.parametrize("language, text, word, has_part", [
    ("fi", "Rakentaako kirjasto e-kirjastoa?", "e-kirjastoa", False),  # "e" too short, "kirjasto" a stopword
    ("fi", "Onko kirjastossa 3D-tulostinta?", "3d-tulostinta", True),
    ("en", "Does the library lend e-books?", "e-books", True),
    ("sv", "Lånar biblioteket ut e-böcker?", "e-böcker", True),
])
def test_a_hyphenated_compound_is_one_word_with_its_parts_for_partial_credit(language, text, word, has_part):
    from assistant.chain import analyzers_for_languages
    from assistant.lexical import PART

    analyzer = analyzers_for_languages()[language]
    assert word in analyzer.content_tokens(text)
    terms = analyzer.word_terms(word)
    assert any(not t.startswith(PART) and "-" in t for t in terms)  # the compound as a whole
    assert any(t.startswith(PART) for t in terms) is has_part  # and its parts ("~book"), for partial credit


def test_swedish_to_book_a_room_is_not_a_book():
    from assistant.chain import analyzers_for_languages

    swedish = analyzers_for_languages()["sv"]
    assert swedish.word_terms("boka") == swedish.word_terms("bokade") == swedish.word_terms("bokning")
    assert not swedish.word_terms("boka") & (swedish.word_terms("bok") | swedish.word_terms("boken"))


def test_a_question_is_respelt_with_the_documents_words_before_its_meaning_is_read():


    analyzer = Analyzer("en")
    text = "The library may organise free exhibitions and rents spaces to event organisers."
    index = LexicalIndex(analyzer, [analyzer.text_terms(text)], analyzer.tokens(text))
    assert index.respelt("Does the libary orgnaise free exhibitons?") == "Does the library organise free exhibitions?"
    assert index.respelt("Does the library sell coffee?") == "Does the library sell coffee?"  # nothing to fix
    assert index.respelt("Can I park here?") == "Can I park here?"  # short and unknown: left as it is


@pytest.mark.parametrize("language, question, meant", [
    ("sv", "Hyr biblioteket in teknisk personal till sina evenemang?", "Köper biblioteket teknisk personal till sina evenemang?"),
    ("sv", "e quizmastern nån ni hyr in utifrån?", "e quizmastern nån ni köper utifrån?"),
    ("sv", "va han bibliotekarie eller inhyrd", "va han bibliotekarie eller köpt"),
    ("sv", "Hyrs artisterna in?", "Köps artisterna?"),
    # renting for oneself, letting, renting: not hiring
    ("sv", "Kan jag hyra in mig i någon sal på biblioteket?", "Kan jag hyra in mig i någon sal på biblioteket?"),
    ("sv", "Hyr biblioteket ut lokaler?", "Hyr biblioteket ut lokaler?"),
    ("sv", "Kan man hyra en sal?", "Kan man hyra en sal?"),
    ("fi", "Hyr in", "Hyr in"),  # only Swedish has the particle verb
    # English: the library hiring someone is buying the service; the asker hiring a room, or hiring out, is not.
    ("en", "Does the library hire musicians?", "Does the library buy musicians?"),
    ("en", "do they ever hire DJs", "do they ever buy DJs"),
    ("en", "Has the library hired a sound crew?", "Has the library bought a sound crew?"),
    ("en", "Can I hire a room at the library?", "Can I hire a room at the library?"),
    ("en", "does the library hire out rooms?", "does the library hire out rooms?"),
    ("en", "Is the library hiring staff?", "Is the library hiring staff?"),  # employing: not a bought service
])
def test_hiring_someone_in_is_read_as_buying(language, question, meant):
    from assistant.lexical import hiring_read

    assert hiring_read(question, language) == meant


def test_the_ranker_embeds_the_respelt_question(fake_settings):
    """The dense side sees the document's spelling; the lexical side already corrected typos on its own."""
    from assistant.chain import load_assistant
    from assistant.fakes import HashingEmbeddings

    class Recording(HashingEmbeddings):
        def __init__(self):
            super().__init__()
            self.queries: list[str] = []

        def query_vector(self, text):
            self.queries.append(text)
            return super().query_vector(text)

    embedder = Recording()
    assistant = load_assistant(fake_settings, embedder=embedder, notify=lambda message: None, progress=None)
    assistant.ask("does the libary organise free exhibitons")
    assert embedder.queries[0] == "does the library organise free exhibitions"


@pytest.mark.parametrize("language, question, meant", [
    ("en", "Does Oodi organise free events?", "Does the library organise free events?"),
    ("en", "Does Kallio library lend books?", "Does library lend books?"),  # the name goes, the library stays
    ("sv", "Finns det en bastu i Oodi?", "Finns det en bastu i biblioteket?"),
    ("sv", "Lånar Berghälls bibliotek ut böcker?", "Lånar bibliotek ut böcker?"),
    ("en", "Can I borrow books?", "Can I borrow books?"),  # no branch: the text itself
])
def test_branch_names_are_read_as_the_library(language, question, meant):
    from assistant.lexical import Analyzer

    assert Analyzer(language).branches_as_library(question) == meant


@pytest.mark.parametrize("question, names_a_branch", [
    ("Does Oodi organise free events?", True), ("Finns det en bastu i Oodi?", True), ("Can I borrow books?", False),
])
def test_the_retrieval_says_whether_the_question_names_a_branch(fake_assistant, question, names_a_branch):
    assert fake_assistant.explain(question).retrieval.names_a_branch is names_a_branch


@pytest.mark.parametrize("question, meant", [
    ("Onko Oodissa sauna?", "Onko kirjastossa sauna?"),  # in the branch name's case
    ("Järjestääkö Oodi maksuttomia tapahtumia?", "Järjestääkö kirjasto maksuttomia tapahtumia?"),
    ("Lainaako Kallion kirjasto kirjoja?", "Lainaako kirjasto kirjoja?"),
])
def test_finnish_branch_names_become_the_library_in_their_case(question, meant):
    from assistant.chain import analyzers_for_languages

    analyzer = analyzers_for_languages()["fi"]
    if analyzer.backend != "voikko":
        pytest.skip("cases come from Voikko (libvoikko1 + voikko-fi)")
    assert analyzer.branches_as_library(question) == meant


@pytest.mark.parametrize("language, question, topic", [
    ("en", "isnt it true that they dont sell books", ["sell", "books"]),
    ("fi", "eiks mun kirjasto myy kirjoja", ["myy", "kirjoja"]),
    ("fi", "mistä ne sit saa, ite vai jonkun kaa", ["jonkun"]),
    ("sv", "ja undrar va biblan säljer för böcker", ["undrar", "säljer", "böcker"]),
])
def test_chat_spellings_of_function_words_carry_no_topic(language, question, topic):
    # "isnt" is "isn't", "eiks" is "eikö", "ja" is "jag": left in, they count as words the document never uses.
    assert Analyzer(language).content_tokens(question) == topic


def test_finnish_verbs_are_told_from_nouns():
    from assistant.chain import analyzers_for_languages

    analyzer = analyzers_for_languages()["fi"]
    if analyzer.backend != "voikko":
        pytest.skip("word classes come from Voikko (libvoikko1 + voikko-fi)")
    assert analyzer.is_verb("myykö") and analyzer.is_verb("ostaa")  # "ostaa" is also the place Osta
    assert analyzer.can_be_verb("lainaa") and not analyzer.is_verb("lainaa")  # also "a loan"
    assert not analyzer.can_be_verb("lapsille") and not analyzer.can_be_verb("lukemista")  # a verbal noun
    assert not Analyzer("en").can_be_verb("sell")  # no morphology outside Finnish


@pytest.mark.parametrize("spoken, written", [
    ("myyks", "myykö"),  # a question clitic of a verb
    ("voiks", "voiko"),  # "voi" is also butter: the verb reading wins
    ("pitkäks", "pitkäksi"),  # a translative
    ("tapahtumii", "tapahtumia"),  # a partitive plural
    ("apurahoi", "apurahoja"),
    ("kirjastos", "kirjastossa"),  # an inessive
    ("kirjoja", None),  # written Finnish is left alone
    ("lapsille", None),
])
def test_spoken_finnish_is_read_as_written(spoken, written):
    from assistant.chain import analyzers_for_languages

    analyzer = analyzers_for_languages()["fi"]
    if analyzer.backend != "voikko":
        pytest.skip("written forms are checked with Voikko (libvoikko1 + voikko-fi)")
    assert analyzer.standard_form(spoken) == written


def test_a_spoken_finnish_word_matches_the_written_one():
    from assistant.chain import analyzers_for_languages

    analyzer = analyzers_for_languages()["fi"]
    if analyzer.backend != "voikko":
        pytest.skip("written forms are checked with Voikko (libvoikko1 + voikko-fi)")
    # "apurahoi" was a word the document never uses; it is "apurahoja", grants.
    assert "apuraha" in analyzer.word_terms("apurahoi")
    assert analyzer.word_terms("myyks") == analyzer.word_terms("myykö")
    assert not Analyzer("sv").standard_form("gratis")  # written Swedish is left alone


@pytest.mark.parametrize("language, shorthand, written", [
    ("en", "ppl", "people"),
    ("en", "wanna", "want"),
    ("en", "lib", "library"),
    ("sv", "nåt", "något"),
    ("sv", "biblan", "biblioteket"),
    ("sv", "ja", None),  # yes, or jag: left alone
    ("en", "people", None),
])
def test_chat_shorthand_is_read_as_written(language, shorthand, written):
    assert Analyzer(language).standard_form(shorthand) == written


def test_a_question_in_chat_shorthand_reads_and_matches_as_written():
    analyzer = Analyzer("en")
    text = "Research information services for doctoral students are provided by university libraries."
    index = LexicalIndex(analyzer, [analyzer.text_terms(text)], analyzer.tokens(text))
    question = "does helsinki lib do research help for phd ppl"
    # "ppl" was a word the document never uses, counted against the question being covered.
    assert index.respelt(question) == "does helsinki library do research help for phd people"
    assert index.unknown_tokens("research for students pls") == []  # "please" carries no topic
