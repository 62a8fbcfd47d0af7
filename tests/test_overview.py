"""Questions about a whole category ("what does the library not do?") get the category's section as the answer."""

from __future__ import annotations

import pytest

from assistant.contract import Turn
from assistant.modality import Modality
from assistant.overview import Category, category_asked, category_sections


@pytest.mark.parametrize(
    "language, question, category",
    [
        ("fi", "Mitä kirjasto ei tee?", Modality.DOES_NOT),
        ("fi", "Mikä ei kuulu kirjaston tehtäviin?", Modality.DOES_NOT),
        ("fi", "Mitä kirjasto tekee itse?", Modality.DOES_ITSELF),
        ("fi", "Mitä kirjasto ostaa palveluna?", Modality.BUYS),
        ("fi", "Kerro mitä kirjasto tekee yhteistyössä muiden kanssa.", Modality.WITH_PARTNERS),
        ("fi", "Mitä kirjasto vielä selvittää?", Modality.DEVELOPING),
        ("sv", "Vad gör biblioteket inte?", Modality.DOES_NOT),
        ("sv", "Vad ingår inte i bibliotekets uppgifter?", Modality.DOES_NOT),
        ("sv", "Vad gör biblioteket själv?", Modality.DOES_ITSELF),
        ("sv", "Vilka tjänster köper biblioteket in?", Modality.BUYS),
        ("sv", "Vad gör biblioteket i samarbete med andra?", Modality.WITH_PARTNERS),
        ("sv", "Vad utreder biblioteket just nu?", Modality.DEVELOPING),
        ("en", "What doesn’t the library do?", Modality.DOES_NOT),
        ("en", "What is not the library's job?", Modality.DOES_NOT),
        ("en", "What does the library do on its own?", Modality.DOES_ITSELF),
        ("en", "What does the library buy as a service?", Modality.BUYS),
        ("en", "Which services does the library produce with partners?", Modality.WITH_PARTNERS),
        ("en", "What is the library still investigating?", Modality.DEVELOPING),
        # in the words of the document's own heading: the division of labour is its subject, not a topic
        ("fi", "Mitä työnjakoon liittyviä asioita kirjasto vielä selvittää?", Modality.DEVELOPING),
        ("sv", "Vilka frågor kring arbetsfördelningen utreder biblioteket?", Modality.DEVELOPING),
        ("en", "What issues related to the division of labour is the library investigating?", Modality.DEVELOPING),
    ],
)
def test_a_question_for_a_whole_category_is_recognised(language, question, category):
    assert category_asked(question, language) == Category(category, "division")


@pytest.mark.parametrize(
    "language, question",
    [
        ("fi", "Mitä kirjasto ei tee lapsille?"),  # a topic of its own
        ("fi", "Myykö kirjasto kirjoja?"),  # not a what-question
        ("fi", "Mitä tehdään?"),  # no category, and not about the library
        ("en", "What is the library?"),
        ("en", "What does the library not buy?"),  # a negation with another category's word
        ("en", "What does the library buy books with?"),
        ("en", "What does the library do itself and what does it buy?"),  # two categories
        ("sv", "Vad köper biblioteket för böcker?"),
        ("sv", "Vilka andra bibliotek samarbetar biblioteket med?"),  # other libraries are a topic
    ],
)
def test_a_question_with_a_topic_or_no_single_category_is_not(language, question):
    assert category_asked(question, language) is None


def test_in_a_conversation_the_question_must_name_the_library():
    # "And what is it bought as?" after a question about something: "it" is that thing, not the library.
    assert category_asked("Entä mitä se ostaa?", "fi", in_conversation=True) is None
    assert category_asked("Entä mitä se ostaa?", "fi") == Category(Modality.BUYS)
    assert category_asked("Entä mitä kirjasto ostaa?", "fi", in_conversation=True) == Category(Modality.BUYS)


def test_categories_are_the_division_of_labour_sections(corpus):
    sections = {m: category_sections(corpus, Category(m)) for m in Modality if m is not Modality.CONTEXT}
    # Section 1's core tasks are done by the library itself too, but "does itself" is the category of 2.1.
    assert sections == {
        Modality.DOES_ITSELF: ("2.1",),
        Modality.BUYS: ("2.2",),
        Modality.WITH_PARTNERS: ("2.3",),
        Modality.DOES_NOT: ("2.4",),
        Modality.DEVELOPING: ("3",),
    }
    assert category_sections(corpus, Category(Modality.DOES_ITSELF, "core_tasks")) == ("1",)
    assert category_sections(corpus, Category(Modality.DOES_ITSELF, "general")) == ("2.1",)


def test_the_answer_lists_every_statement_of_the_category_with_verbatim_citations(fake_assistant, corpus, document):
    answer = fake_assistant.ask("Mitä kirjasto ei tee?")
    in_section = [u for u in corpus.units if u.section == "2.4"]
    assert answer.verdict == "no"
    assert [c.quote for c in answer.citations] == [u.text for u in in_section]
    assert all(document.text[c.start : c.end] == c.quote for c in answer.citations)
    lines = answer.answer.split("\n")
    # One line per sentence (three are cut at `vaan` into two units), after the lead.
    assert len(lines) == 1 + len({u.sentence_start for u in in_section})
    assert "Kirjaston tehtäviin ei kuulu lukutaidon alkeisopetus vaan sitä hoitavat oppilaitokset." in lines[1]


@pytest.mark.parametrize(
    "question, language, verdict, words",
    [
        ("Vad köper biblioteket?", "sv", "purchased", "artister"),
        ("What is the library investigating?", "en", "developing", "e-library"),
    ],
)
def test_the_list_is_in_the_question_language(fake_assistant, question, language, verdict, words):
    answer = fake_assistant.ask(question)
    assert (answer.language, answer.verdict) == (language, verdict)
    assert words in answer.answer and "(in Finnish)" not in answer.answer and "\u201c" not in answer.answer


def test_a_category_question_in_a_conversation_is_answered_as_asked(fake_assistant):
    history = [Turn("user", "Myykö kirjasto kirjoja?")]
    answer = fake_assistant.ask("Entä mitä kirjasto ostaa palveluna?", history)
    assert answer.verdict == "purchased" and [c.section for c in answer.citations] == ["2.2"]


@pytest.mark.parametrize(
    "earlier, question, verdict, section",
    [
        ("Mitä kirjasto ei tee?", "Entä mitä se ostaa?", "purchased", "2.2"),
        ("Mitä kirjasto ei tee?", "entä yhteistyössä?", "partnership", "2.3"),
        ("What does the library not do?", "And what does it do with partners?", "partnership", "2.3"),
        ("What does the library not do?", "how about on its own?", "yes", "2.1"),
        ("Vad gör biblioteket inte?", "Och vad utreder det?", "developing", "3"),
    ],
)
def test_after_a_category_question_a_follow_up_may_ask_for_another_category(fake_assistant, earlier, question, verdict, section):
    answer = fake_assistant.ask(question, [Turn("user", earlier)])
    assert answer.verdict == verdict and {c.section for c in answer.citations} == {section}


def test_after_another_question_it_is_not_the_library():
    assert category_asked("entä yhteistyössä?", "fi", in_conversation=True) is None
    assert category_asked("Entä mitä se ostaa?", "fi", in_conversation=True, follows_category=True) == Category(Modality.BUYS)


@pytest.mark.parametrize(
    "language, question, scope",
    [
        ("fi", "Mitkä ovat kirjaston lakisääteiset tehtävät?", "core_tasks"),
        ("sv", "Vilka är bibliotekets kärnuppgifter enligt lagen?", "core_tasks"),
        ("en", "What are the library's core tasks?", "core_tasks"),
        ("fi", "Mitä kirjasto tekee?", "general"),
        ("fi", "Mitä palveluja kirjasto tarjoaa?", "general"),
        ("sv", "Vad gör biblioteket?", "general"),
        ("en", "What does the library do?", "general"),
        ("en", "Which services does the library offer?", "general"),
    ],
)
def test_questions_for_the_core_tasks_or_for_everything_are_lists_of_what_the_library_does(language, question, scope):
    assert category_asked(question, language) == Category(Modality.DOES_ITSELF, scope)


def test_the_core_tasks_are_section_1_with_every_statutory_task_on_a_line_of_its_own(fake_assistant, corpus):
    answer = fake_assistant.ask("What are the library's core tasks?")
    assert answer.verdict == "yes"
    assert [c.quote for c in answer.citations] == [u.text for u in corpus.units if u.section == "1"]
    # The statutory tasks are one sentence cut at ';' into six units, each translated as a sentence of its own.
    assert sum("statutory tasks" in line for line in answer.answer.split("\n")) == 1 + 6


def test_what_the_library_does_lists_its_own_services_and_points_to_the_rest(fake_assistant):
    # Before: "Vad gör biblioteket?" was answered "Nej, biblioteket gör inte det", from the book-sales statement.
    answer = fake_assistant.ask("Vad gör biblioteket?")
    assert answer.verdict == "yes" and {c.section for c in answer.citations} == {"2.1"}
    assert answer.answer.split("\n")[-1].startswith("Dessutom köper biblioteket in vissa tjänster")
