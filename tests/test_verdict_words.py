"""The verdicts in words for people: every verdict in every answer language."""

from __future__ import annotations

from assistant.contract import LANGUAGES, VERDICTS
from assistant.verdict_words import VERDICT_WORDS, verdict_headline


def test_every_verdict_has_words_in_every_language():
    assert set(VERDICT_WORDS) == set(VERDICTS)
    for words in VERDICT_WORDS.values():
        assert set(words) == set(LANGUAGES) and all(word and sentence for word, sentence in words.values())


def test_the_headline_is_in_the_answer_language():
    assert verdict_headline("no", "fi") == "EI: kirjasto ei tee tätä"
    assert verdict_headline("not_covered", "sv") == "NÄMNS INTE: beskrivningen säger inget om detta"
    assert verdict_headline("purchased", "en") == "PURCHASED: the library buys this as a service"
    assert verdict_headline("yes", "fi", doubtful=True) == "KYLLÄ: kirjasto tekee tämän (epävarma)"
