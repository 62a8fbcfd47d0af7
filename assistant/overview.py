"""Questions about a whole category of the division of labour: "What does the library not do?", "Vad köper
biblioteket?", "Mitä kirjasto selvittää?".

Such a question names no topic, so retrieval has nothing to match but the category's own words, and the best
single statement answers it badly (one sentence of 2.1 for "what does the library not do?", or `not_covered`
because only the title matched). The answer is the category's section as a whole, which the document states.
Two more lists are answered the same way: the core and statutory tasks (section 1), and what the library does at
all ("Vad gör biblioteket?": its own services, with a pointer to the other categories).

A question counts only when every word in it is a question word, a word for the library, a filler ("things",
"services", "tasks") or a word of one category. With a word of its own left over ("What does the library not do
for children?") it asks about a topic and takes the usual path. The word lists describe the document's five
categories in each language; they are not taken from evaluation questions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from assistant.corpus import Corpus
from assistant.lexical import closest_spelling
from assistant.modality import Modality

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
# The library as the one doing things, or "you" asked at the library: "other libraries" ("andra bibliotek",
# "muiden kirjastojen") are a topic.
_LIBRARY = re.compile(
    r"^((kaupungin|lähi)?kirjasto(n|a|lla|ssa|lta|lle|on)?|(stads)?biblioteket?s?|library"
    r"|helsingin|helsinki|helsingfors|you|your|te|teillä|teidän|teiltä|ni|er|ert|era)$"
)
_LIBRARY_STEM = re.compile(r"^\w*(kirjasto|bibliotek|librar)")  # other forms ("bibliotek") are not typos
# Spelled right, for reading a typo of them ("libary", "kirjatso").
_LIBRARY_SPELLINGS = ("library", "kirjasto", "kirjaston", "kirjastolla", "biblioteket", "bibliotekets")
# Only sections under a heading about the division of labour are its categories: the core tasks of section 1
# are things the library does itself too, but they are not the "does itself" category.
_DIVISION_OF_LABOUR = re.compile(r"työnjako", re.IGNORECASE)
_CORE_TASKS = re.compile(r"ydintehtäv|lakisääteis", re.IGNORECASE)


class Category(NamedTuple):
    """What a question for a whole list asks for: one of the division of labour's five categories (`division`), the
    core and statutory tasks of section 1 (`core_tasks`), or what the library does at all (`general`: its own
    services, the "does itself" category, with a pointer to the others)."""

    modality: Modality
    scope: str = "division"


@dataclass(frozen=True)
class _Words:
    asking: frozenset[str]  # question words and requests ("what", "kerro")
    filler: frozenset[str]
    negation: frozenset[str]
    follow_up: frozenset[str]  # how a follow-up opens, and pronouns for the library talked about
    keys: dict[Modality, frozenset[str]]  # a category is asked for when one of its keys is used ...
    also: dict[Modality, frozenset[str]]  # ... and its other words may go with it
    doing: frozenset[str]  # verbs of doing and offering: "what does the library do / offer?"
    core: frozenset[str]  # words for core or statutory tasks ...
    core_also: frozenset[str]  # ... and words that may go with them ("by law")

    @functools.cached_property
    def vocabulary(self) -> tuple[str, ...]:
        words = set(self.asking | self.filler | self.negation | self.follow_up | self.doing | self.core | self.core_also)
        words = words.union(*self.keys.values(), *self.also.values())
        return tuple(sorted(words)) + _LIBRARY_SPELLINGS


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FINNISH_DOING = "toimii toimitaan tekee tehdään tehdä tuottaa tuotetaan järjestää järjestetään hoitaa hoidetaan tarjoaa tarjotaan toteuttaa toteutetaan"
_SWEDISH_DOING = "gör görs göra producerar produceras ordnar ordnas sköter sköts erbjuder erbjuds tillhandahåller"
_ENGLISH_DOING = "do does done doing produce produces provide provides run runs organise organises organize organizes handle handles offer offers"

_LANGUAGE_WORDS = {
    "fi": _Words(
        asking=_words("mitä mitkä mikä millaisia missä mihin mitäs mitkäs kerro kerrotko kertoisitko luettele listaa"),
        filler=_words(
            "on ovat se ne sitten siis oikein nyt ihan kaikkea kaikki kaikissa kaikkiin kaikista asioita asiat "
            "asioissa asioihin asioista palveluja palveluita palvelut palveluista tehtäviä tehtävät tehtäviin "
            "tehtävistä juttuja jutut hommia hommat toimintoja entä ja tai no hei voitko voisitko minulle mulle sen "
            # the document's own subject, the division of labour ("työnjakoon liittyviä selvitettäviä asioita")
            "työnjako työnjaon työnjakoa työnjakoon työnjaossa liittyviä liittyvät liittyen"
        ),
        negation=_words("ei eivät en emme ette"),
        follow_up=_words("entä entäs ja mutta se sen"),
        keys={
            Modality.DOES_ITSELF: _words("itse omana omin omassa oma omaa omat omia"),
            Modality.BUYS: _words("ostaa ostetaan ostaako ostopalveluna ostopalveluina ostopalveluja ostopalveluita ostopalvelut"),
            Modality.WITH_PARTNERS: _words(
                "yhteistyössä yhteistyötä yhteistyö yhteistyönä kumppaneiden kumppanien kumppanin kumppaneina "
                "kumppanit kumppaneita kumppaneiden yhdessä"
            ),
            Modality.DEVELOPING: _words(
                "selvittää selvitetään selvitettäviä selvitettävää selvitettävänä selvityksessä kehittää kehitetään "
                "kehitteillä suunnittelee suunnitellaan suunnitteilla kokeilee kokeillaan"
            ),
        },
        also={
            Modality.DOES_NOT: _words("tee tehdä hoida tarjoa järjestä tuota kuulu itse"),
            Modality.DOES_ITSELF: _words(_FINNISH_DOING + " palvelutuotantona tuotantona voimin toimesta"),
            Modality.BUYS: _words("palveluna palveluina ulkopuolelta muualta ulkoa hankkii hankitaan"),
            Modality.WITH_PARTNERS: _words(_FINNISH_DOING + " muiden kanssa"),
            Modality.DEVELOPING: _words("vielä parhaillaan tällä hetkellä jatkossa tulevaisuudessa"),
        },
        doing=_words(_FINNISH_DOING),
        core=_words(
            "ydintehtävät ydintehtäviä ydintehtävistä lakisääteiset lakisääteisiä lakimääräiset lakimääräisiä "
            "perustehtävät perustehtäviä päätehtävät päätehtäviä"
        ),
        core_also=_words("lain laissa lakiin mukaan mukaiset määritelty kuuluu kuuluvat"),
    ),
    "sv": _Words(
        asking=_words("vad vilka vilket vilken berätta lista räkna"),
        filler=_words(
            "för tjänster saker grejer grejor uppgifter uppgift det som är egentligen alls då sådant sånt allt och "
            "eller så i upp kan du säga mig frågor man arbetsfördelning arbetsfördelningen kring gällande"
        ),
        negation=_words("inte ej icke"),
        follow_up=_words("och men än den det"),
        keys={
            Modality.DOES_ITSELF: _words("själv självt själva egen eget egna regi"),
            Modality.BUYS: _words("köper köps köpa köpt köpta upphandlar upphandlas"),
            Modality.WITH_PARTNERS: _words(
                "samarbete samarbetar samarbetet tillsammans ihop partner partners partnerna samarbetspartner "
                "samarbetspartners"
            ),
            Modality.DEVELOPING: _words(
                "utreder utreds utreda utvecklar utvecklas utveckla planerar planeras undersöker undersöks testar "
                "testas testa prövar prövas kollar kolla"
            ),
        },
        also={
            Modality.DOES_NOT: _words(_SWEDISH_DOING + " ingår själv"),
            Modality.DOES_ITSELF: _words(_SWEDISH_DOING + " med personal"),
            Modality.BUYS: _words("in tjänst utifrån utomstående"),
            Modality.WITH_PARTNERS: _words(_SWEDISH_DOING + " med andra sina aktörer organisationer"),
            Modality.DEVELOPING: _words("ännu fortfarande just nu håller på att framtiden"),
        },
        doing=_words(_SWEDISH_DOING),
        core=_words(
            "kärnuppgifter kärnuppgifterna lagstadgade lagstadgat grunduppgifter grunduppgifterna huvuduppgifter "
            "huvuduppgifterna"
        ),
        core_also=_words("enligt lag lagen lagstiftningen ingår hör till har"),
    ),
    "en": _Words(
        asking=_words("what which tell me list name give can could please"),
        filler=_words(
            "does do did is are the things services service tasks kind kinds of all exactly actually currently still "
            "it its that a an so and or then stuff activities work jobs job about whole matters issues questions "
            "division labour labor related regarding to"
        ),
        negation=_words("not doesn't don't isn't aren't never"),
        follow_up=_words("and but how about what it they"),
        keys={
            Modality.DOES_ITSELF: _words("itself own in-house alone"),
            Modality.BUYS: _words("buy buys purchase purchases bought outsource outsources outsourced procure procures"),
            Modality.WITH_PARTNERS: _words(
                "partner partners partnership partnerships together cooperation collaboration collaborate "
                "collaborates cooperate cooperates jointly"
            ),
            Modality.DEVELOPING: _words(
                "investigating investigate investigates developing develop develops planning plan plans exploring "
                "explore explores considering studying piloting"
            ),
        },
        also={
            Modality.DOES_NOT: _words(_ENGLISH_DOING + " responsible for part itself own"),
            Modality.DOES_ITSELF: _words(_ENGLISH_DOING + " on by with staff"),
            Modality.BUYS: _words("as in from outside"),
            Modality.WITH_PARTNERS: _words(_ENGLISH_DOING + " with others other in organisations organizations"),
            Modality.DEVELOPING: _words("future in now working on looking into open at the moment"),
        },
        doing=_words(_ENGLISH_DOING),
        core=_words("core statutory main basic"),
        core_also=_words("by under according to law the act legal duties responsibilities mandate mandated required"),
    ),
}


def category_asked(
    question: str, language: str, *, in_conversation: bool = False, follows_category: bool = False
) -> Category | None:
    """The category whose whole list the question asks for, or None for any other question.

    In a conversation a question must name the library: "entä mitä se ostaa?" asks what *it*, the thing talked
    about, is bought with, not what the library buys. Right after a question for a category (`follows_category`)
    the thing talked about is the library, and a follow-up may ask for another category without a question word:
    "entä yhteistyössä?", "and what does it buy?"."""
    words = _LANGUAGE_WORDS.get(language)
    if words is None:
        return None
    tokens = [_spelled(t, words) for t in _TOKEN.findall(question.casefold().replace("’", "'"))]
    if not tokens:
        return None
    opens_follow_up = follows_category and tokens[0] in words.follow_up
    if not opens_follow_up and not any(t in words.asking for t in tokens):
        return None
    names_library = any(_LIBRARY.match(t) for t in tokens)
    if in_conversation and not names_library and not follows_category:
        return None
    ignored = words.asking | words.filler | (words.follow_up if follows_category else frozenset())
    own = [t for t in tokens if t not in ignored and not _LIBRARY.match(t)]
    if any(t in words.negation for t in own):
        category = Modality.DOES_NOT
        own = [t for t in own if t not in words.negation]
    elif any(t in words.core for t in own):
        # The core tasks are the library's own: "lakisääteiset tehtävät, jotka te hoidatte itse" asks for them too.
        allowed = words.core | words.core_also | words.doing | words.keys[Modality.DOES_ITSELF]
        return Category(Modality.DOES_ITSELF, "core_tasks") if all(t in allowed for t in own) else None
    else:
        asked = {m for m, keys in words.keys.items() if any(t in keys for t in own)}
        if not asked and names_library and any(t in words.doing for t in tokens) and all(t in words.doing for t in own):
            return Category(Modality.DOES_ITSELF, "general")  # "What does the library do?", "Vad erbjuder biblioteket?"
        if len(asked) != 1:
            return None
        category = asked.pop()
    allowed = words.keys.get(category, frozenset()) | words.also[category]
    return Category(category) if all(t in allowed for t in own) else None


def _spelled(token: str, words: _Words) -> str:
    """The token as the lists spell it: without "'s" ("what's", "library's"), a typo read as the word meant."""
    token = token.removesuffix("'s")
    if len(token) < 5 or token in words.vocabulary or _LIBRARY_STEM.match(token):
        return token
    return closest_spelling(token, words.vocabulary) or token


def category_sections(corpus: Corpus, category: Category) -> tuple[str, ...]:
    """Ids of the sections that make up a category: those of its modality under a division-of-labour heading, or
    for the core tasks those headed so."""
    found = []
    for document in corpus.documents:
        headings = {s.id: s.heading for s in document.sections}
        for section in document.sections:
            if category.scope == "core_tasks":
                if _CORE_TASKS.search(section.heading):
                    found.append(section.id)
                continue
            parent = section.id.rsplit(".", 1)[0] if "." in section.id else section.id
            under = _DIVISION_OF_LABOUR.search(section.heading) or _DIVISION_OF_LABOUR.search(headings.get(parent, ""))
            if section.modality is category.modality and under:
                found.append(section.id)
    return tuple(found)
