"""Which of Finnish, Swedish and English a question is written in.

Short questions ("entä lapsille?") carry few clues, so function words weigh most, letters next (å is
Swedish, ä/ö are Finnish or Swedish, none of them English), and a follow-up with no clue at all keeps the
conversation's language.
"""

from __future__ import annotations

import re
from typing import Mapping, Set

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        """
        ja on ei eikä että se ne tämä tuo mikä mitä mikä kuka ketkä kenen kuka missä mistä mihin miten miksi
        milloin voiko voinko voiko voinko voisiko onko onks onkos ovatko saako saanko saako pitääkö täytyykö
        kirjasto kirjaston kirjastossa kirjastosta kirjastoon kirjastolla kirjastot kirjastoja
        tekeekö järjestääkö tarjoaako myykö ostaako vuokraako lainaako hoitaako kuuluuko
        entä entäs myös vai tai sekä mutta vaan kanssa ilman jos kun niin siis nyt vielä jo
        minä mä mulle minulle minun meidän te teidän sinä sä sinun hän he me
        te teillä teiltä teille sieltä siellä sinne täällä tänne kaikille lapsille
        mitään jotain joku jokin kaikki paljon kuinka paljonko montako
        olla olen olet ole oli olisi voi voin voit voisin pitää täytyy saa saan
        eli ettekö ettei eihän kai kyllä joo juu totta eikö
        """.split()
    ),
    "sv": frozenset(
        """
        och är inte att det den de som vad vem vilka vilken var varför hur när kan kunde får måste ska skulle
        biblioteket bibliotek bibliotekets biblioteken stadsbiblioteket
        gör ordnar erbjuder säljer köper hyr lånar sköter har hyra låna köpa sälja ordna
        också eller men utan med för till från på av om ett en jag mig min mitt vi oss ni er du dig han hon
        någon något några alla barn barnen där här då nu än även ju väl inga ingen inget
        vad gäller hur mycket kostar finns fanns själv själva sig sina sitt sin
        """.split()
    ),
    "en": frozenset(
        """
        the a an and or but not is are was were be been do does did doesn don isn aren can could may might
        will would should must shall have has had what who whom which where when why how
        library libraries library's city helsinki
        i me my we our you your he she it its they them their there here this that these those
        of to in on at for from with by about into over under also too any some all no yes
        sell sells buy buys rent rents lend lends organise organize organises organizes offer offers
        help get give take provide provides handle handles run runs teach teaches
        please thanks hi hello true isn't doesn't
        """.split()
    ),
}

# Frequent words of other Latin-script languages people may write in (and their word for "library"): a
# question made of these and none of ours gets the polite "I answer in Finnish, Swedish and English".
OTHER_LATIN_WORDS = frozenset(
    """
    die der das und nicht ist sind ich sie wir ihr kann können gibt es bibliothek bücher buch verkauft auch
    le la les des une est sont pas je vous nous elle peut peux bibliothèque livres vend aussi
    el los las una es son está puedo puede hay biblioteca libros vende también
    il gli sono posso può biblioteca libri vende anche
    os uma não posso pode há biblioteca livros
    het een zijn niet kan ik jij bibliotheek boeken verkoopt ook
    czy jest nie mogę biblioteka książki sprzedaje
    """.split()
)

_WORD = re.compile(r"[^\W\d_]+(?:'[a-z]+)?", re.UNICODE)


def detect_language(
    text: str, fallback: str = "fi", vocabularies: Mapping[str, Set[str]] | None = None, *, min_evidence: float = 0.0
) -> str:
    """'fi', 'sv' or 'en'; `fallback` (e.g. the conversation's language) when the text gives no clue, or less
    evidence than `min_evidence` (one function word is 2.0).

    `vocabularies` (words of the document and its translations, per language) add evidence for content
    words that no function-word list has: "tillgänglighet" is in the Swedish translation only."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return fallback
    scores = {lang: 0.0 for lang in FUNCTION_WORDS}
    for word in words:
        for lang, vocabulary in FUNCTION_WORDS.items():
            if word in vocabulary:
                scores[lang] += 2.0
        if vocabularies:
            owners = [lang for lang, vocabulary in vocabularies.items() if word in vocabulary]
            for lang in owners:
                scores[lang] += 1.5 if len(owners) == 1 else 0.3
        if "å" in word:
            scores["sv"] += 1.5
        if "ä" in word or "ö" in word:
            scores["fi"] += 0.6
            scores["sv"] += 0.4
        if re.search(r"(aa|ee|ii|uu|yy|ää|öö|kk|tt|pp)\w*$|(ssa|ssä|sta|stä|lla|llä|lta|ltä|ko|kö)$", word):
            scores["fi"] += 0.5
        if re.search(r"(tion|ing|ed|ly|ies|ght|th)$|^(th|wh)", word):
            scores["en"] += 0.5
        if re.search(r"(ar|er|or|na|en|et|het|ning|tion|skap)$|^(sj|skj|stj|tj)", word):
            scores["sv"] += 0.3
    best = max(scores, key=scores.get)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] == 0 or ranked[0] < min_evidence or ranked[0] - ranked[1] < 0.25:
        return fallback
    return best


def looks_like_supported_language(text: str) -> bool:
    """False for text that is clearly in another script or language (e.g. Cyrillic, Arabic, CJK, German)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    latin = sum(1 for ch in letters if ch.isascii() or ch in "äöåéüÄÖÅÉÜ")
    if latin / len(letters) < 0.6:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    ours = sum(1 for w in words if any(w in vocabulary for vocabulary in FUNCTION_WORDS.values()))
    others = sum(1 for w in words if w in OTHER_LATIN_WORDS)
    return not (others >= 2 and others > 2 * ours)
