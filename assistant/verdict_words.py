"""The verdicts in words, per answer language, for people: the web views' badges and the terminal's headline.

Each is (short word, full sentence). In the web views colour is never the only cue; in the terminal the
headline is in the language of the answer below it.
"""

from __future__ import annotations

VERDICT_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "yes": {
        "fi": ("Kyllä", "kirjasto tekee tämän"),
        "sv": ("Ja", "biblioteket gör detta"),
        "en": ("Yes", "the library does this"),
    },
    "purchased": {
        "fi": ("Ostopalvelu", "kirjasto ostaa tämän palveluna"),
        "sv": ("Köpt tjänst", "biblioteket köper detta som tjänst"),
        "en": ("Purchased", "the library buys this as a service"),
    },
    "partnership": {
        "fi": ("Yhteistyössä", "kirjasto tekee tämän yhdessä kumppaneiden kanssa"),
        "sv": ("Samarbete", "biblioteket gör detta tillsammans med partner"),
        "en": ("Partnership", "the library does this together with partners"),
    },
    "no": {
        "fi": ("Ei", "kirjasto ei tee tätä"),
        "sv": ("Nej", "biblioteket gör inte detta"),
        "en": ("No", "the library does not do this"),
    },
    "developing": {
        "fi": ("Kehitteillä", "kirjasto kehittää tai selvittää tätä"),
        "sv": ("Under utveckling", "biblioteket utvecklar eller utreder detta"),
        "en": ("Being developed", "the library is developing or looking into this"),
    },
    "not_covered": {
        "fi": ("Ei mainita", "kuvaus ei kerro tästä"),
        "sv": ("Nämns inte", "beskrivningen säger inget om detta"),
        "en": ("Not covered", "the description does not say"),
    },
}


# Shown with the verdict of an answer the coverage model was unsure of (`Answer.doubtful`).
UNSURE: dict[str, str] = {"fi": "epävarma", "sv": "osäkert", "en": "uncertain"}


def verdict_headline(verdict: str, language: str, doubtful: bool = False) -> str:
    """"EI: kirjasto ei tee tätä": the verdict as a terminal headline in the answer's language."""
    words = VERDICT_WORDS[verdict]
    word, sentence = words.get(language, words["en"])
    unsure = f" ({UNSURE.get(language, UNSURE['en'])})" if doubtful else ""
    return f"{word.upper()}: {sentence}{unsure}"
