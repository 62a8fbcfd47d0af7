"""Qualifiers: the words on which neighbouring statements of the description turn.

2.1 says the library organises *free* events; 2.4 that it does not organise *paid* events, nor produce paid
digital services, nor rent its spaces for *long-term* use. e5 reads "free" and "paid" as nearly the same
word (a question about free events matches the paid-events statement at 0.99), and "can I book a room?"
matches the long-term statement best though 2.1 says meeting rooms are open to everyone. So the ranker is
told when a statement answers a question otherwise than its words suggest, and the verdict when a "no"
about the narrow kind answers a question about the other kind with a yes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping

FREE, PAID = "free", "paid"
LONG_TERM = "long-term"


@dataclass(frozen=True)
class Qualifier:
    """One qualifier: its kinds (each with a pattern per language) and the kind a "no" may be limited to.

    Kinds are looked for in order and each one's matches removed before the next is looked for, so "free of
    charge" is not read as a charge.
    """

    name: str
    kinds: tuple[tuple[str, dict[str, str]], ...]
    narrow: str  # "does not organise paid events" denies this kind only
    opposite: str | None = None  # the kind a denial of the narrow kind affirms ("not paid" is free)
    # Per language, wordings that use a kind's words without asking about the kind ("who pays for it?").
    not_asking: dict[str, str] = field(default_factory=dict)
    _compiled: dict[str, tuple[tuple[str, re.Pattern], ...]] = field(init=False, repr=False, compare=False)
    _not_asking: dict[str, re.Pattern] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        languages = {lang for _, patterns in self.kinds for lang in patterns}
        compiled = {
            lang: tuple((kind, re.compile(patterns[lang], re.I)) for kind, patterns in self.kinds) for lang in languages
        }
        object.__setattr__(self, "_compiled", compiled)
        object.__setattr__(self, "_not_asking", {lang: re.compile(p, re.I) for lang, p in self.not_asking.items()})

    @property
    def askable(self) -> tuple[str | None, ...]:
        """Every answer `of` can give for a question: one of the kinds, or None."""
        return (*(kind for kind, _ in self.kinds), None)

    def of(self, text: str, language: str) -> str | None:
        """The kind the text speaks of, or None when it speaks of none or of more than one."""
        found = []
        if language in self._not_asking:
            text = self._not_asking[language].sub(" ", text)
        for kind, pattern in self._compiled[language]:
            if pattern.search(text):
                found.append(kind)
                text = pattern.sub(" ", text)
        return found[0] if len(found) == 1 else None

    def without(self, text: str, language: str) -> str:
        """The text without the words that name a kind ("what about for the whole year?" -> "what about ?")."""
        for _, pattern in self._compiled[language]:
            text = pattern.sub(" ", text)
        return text

    def answers_otherwise(self, asked: str | None, stated: str | None, *, denies: bool) -> bool:
        """Whether a statement that speaks of `stated` (and denies it, when `denies`) answers a question that
        asks about `asked` less than its words suggest: it speaks of another kind ("paid" for "free"), or it
        is a "no" that holds for the narrow kind only ("does not organise paid events") and the question asks
        about the thing in general ("does the library organise events?")."""
        if asked is None:
            return denies and stated == self.narrow
        return stated is not None and stated != asked

    def denial_affirms(self, asked: str | None, stated: str | None, *, denies: bool) -> bool:
        """Whether a "no" about the narrow kind answers the question with a yes: "is it free?" answered by
        "the library does not produce paid digital services"."""
        return denies and stated == self.narrow and asked is not None and asked == self.opposite


PRICE = Qualifier(
    "price",
    (
        (FREE, {
            "fi": r"\b(maksut(on|toma|tomi|tonta|toman)\w*|ilmai(nen|s)\w*|ilmas(en|ena|eks|ta|ii|ia)\b)",
            "sv": r"\b(gratis\w*|avgiftsfri\w*|kostnadsfri\w*|utan (avgift|kostnad))",
            "en": r"\b(free( of charge)?|no charge|without charge|at no cost|gratis)\b",
        }),
        (PAID, {
            "fi": r"\b(\w*maksulli\w*|\w*maksu(a|n|t|ja|ihin|lla|ssa)?\b|maksa(a|vat|nko|ako|aako|nut)\b|pääsylip\w*|\w*lipu(llinen|llis)\w*|"
                  r"lippu(ja|a|t|jen)?\b|liput\b|lipun\b|lippuihin\b|lipunmyyn\w*)",
            "sv": r"\b(avgiftsbelag\w*|avgiftspliktig\w*|\w*avgift\w*|betal\w*|kosta\w*|inträde\w*|\w*biljett\w*)",
            "en": r"\b(paid|pay|pays|paying|cost|costs|fee|fees|ticketed|tickets?|charges?|charged|charging|admission)\b",
        }),
    ),
    narrow=PAID,
    opposite=FREE,
    # Who pays, and whether the library pays (for performers, say), ask who bears a cost, not its price to
    # the asker: "who's paying for it?" is not answered by "the library produces no paid digital services".
    not_asking={
        "fi": r"\bkuka\b.{0,20}\b(maksaa|rahoittaa|kustantaa)\b"
              r"|\bmaksaako (kirjasto|kirjastot|kaupunki)\b|\b(kirjasto|kirjastot|kaupunki)( \w+)? maksa(a|vat|isi)\b"
              # ... and to whom: a payee in the allative ("maksaa niille", "maksetaanko esiintyjille")
              r"|\bmaks(aa|aako|avat|avatko|etaan|etaanko|oi|oiko|aisi|aisiko)( \w+)? (?!kirjastolle|kaupungille)\w+lle\b"
              r"|\b\w*(bussi|juna|ratikka|raitiovaunu|metro|matka|lento|laiva|pysäköinti)lip\w*"
              # ... and whom the library engages: performers it books or buys are paid by it, not by the asker
              r"|\b(palkkaa(ko|vatko)|palkkais(iko|ko)|tilaa(ko|vatko)|tilais(iko|ko)|osta(ako|vatko|isiko)|hankki(ko|iko|vatko))\s+(\w+\s+)?(kirjasto|kirjastot|se|ne)\b[^.?!]*"
              r"|\b(kirjasto|kirjastot)\s+(\w+\s+){0,2}(palkkaa|palkkais|palkkas|tilaa|tilais|osta|hankki)\w*[^.?!]*",
        "sv": r"\bvem\b.{0,20}\b(betalar|finansierar|bekostar|står för)\b"
              r"|\bbetalar (biblioteke[nt]|bibb?l?an|staden|dom|de)\b"
              r"|\b(biblioteke[nt]|bibb?l?an|staden)( \w+)? betala(r|de)?\b"
              r"|\bbetala (dem|dom|honom|henne|mig|mej|oss)\b"
              r"|\b(buss|tåg|spårvagns|tunnelbane|rese|flyg|färje|parkerings)biljett\w*"
              r"|\b(anlitar|bokar|köper|engagerar)\s+(\w+\s+)?(biblioteke[nt]|bibb?l?an|ni|dom|de)\b[^.?!]*"
              r"|\b(biblioteke[nt]|bibb?l?an|ni)\s+((?!att\b|för\b)\w+\s+){0,2}(anlita|boka|köp\w*\s+in\b|engagera)\w*[^.?!]*",
        "en": r"\bwho('s| is)?\b.{0,20}\b(pays?|paying|funds?|funding|finances?|financing)\b"
              r"|\b(does|do|did|will|would) (the )?(librar\w*|libary|libray|city|they|it)( \w+ly| also| ever| even| \w+ and)? pay\b"
              r"|\b(they|the librar\w*|libraries)( \w+ly| also| ever| even)? (pays?|paid)\b"
              # ... and whom: a person or an outsider paid ("pay them", "pay outside specialists")
              r"|\bpa(y|ys|ying|id) (them|him|her|me|us|people|ppl|someone|somebody|anyone|anybody|outside|external)\b"
              # ... and travel tickets are a fare, not an entry fee
              r"|\b(bus|tram|train|metro|travel|transport|flight|plane|ferry|parking)\s+tickets?\b"
              r"|\b(librar(y|ies)|they|city)\s+((?!to\b|for\b)\w+\s+){0,2}(book|books|booked|booking|buy|buys|bought|engage[sd]?|bring\s+in|brings\s+in|brought\s+in)\b[^.?!]*",
    },
)

# Only the long kind has words: "for an evening" or "once" is what the description does not rule out, and
# a question that names no duration asks about use in general.
DURATION = Qualifier(
    "duration",
    (
        (LONG_TERM, {
            "fi": r"\b(pitkäaikai\w*|pitkäksi aikaa|pysyv\w*|vakituise\w*|vuode(ksi|n ajaksi)|vuosiksi|"
                  r"koko (vuode|lukukaude|kaude|syksy|kevää)\w*|\w*vuotiskaude\w*|(moneksi|useaksi) kuukaudeksi|kuukausiksi|"
                  r"(kahdeksi|kolmeksi|neljäksi|viideksi|pariksi|muutamaksi|\d+) (vuodeksi|kuukaudeksi))",
            "sv": r"\b(långvarig\w*|långsiktig\w*|långtids\w*|(i|under|för) (flera|fler|många) år|(för|under) ett helt år|(en )?längre tid|lång tid|permanent\w*|stadigvarande|"
                  r"(för|under) (ett|hela) år\w*|hela (året|terminen|hösten|våren|säsongen)|flera månader|"
                  r"(under|för) (nåt|något|ett par|några|två|tre|fyra|fem|\d+) år\b|i (nåt|något|ett par|några|två|tre|fyra|fem) år\b|"
                  r"\bfast(a)? (rum|lokal|förråd|plats|kontor|utrymme|hörn)\w*)",
            "en": r"\b(long[- ]term|longer[- ]term|permanent(ly)?|for (a|an entire|the entire|the whole) "
                  r"(year|semester|term|season)|whole (year|semester|term)|for (several|many) (months|years)|for (months|years)|"
                  r"for the next (two|three|four|five|\d+) (months|years)|for (a couple of|a few|two|three|four|five) (months|years))\b",
        }),
    ),
    narrow=LONG_TERM,
    # Keeping a collection for good is preservation (2.4: the National Library's task), not long use of a room.
    not_asking={
        "fi": r"\b(pitkäaikai\w*|pysyvä\w*|pysyvästi)\s+(\w+\s+)?(säilyt\w*|säilö\w*|arkistoi\w*|talle\w*)"
              r"|\bpitkäaikaissäilyt\w*|\b(säilyt\w*|säilö\w*|arkistoi\w*)\s+(\w+\s+){0,3}(pysyvästi|pitkäaikaisesti|ikuisesti)",
        "sv": r"\b(långvarig\w*|långsiktig\w*|permanent\w*)\s+(\w+\s+)?(bevar\w*|förvar\w*|arkiver\w*|lagr\w*)"
              r"|\blångtidsbevar\w*|\b(bevara\w*|förvara\w*|arkivera\w*|spara\w*)\s+(\w+\s+){0,3}(permanent\w*|för\s+alltid)",
        "en": r"\b(long[- ]term|permanent(ly)?)\s+(\w+\s+)?(preserv\w*|stor\w*|keep\w*|archiv\w*|retention)"
              r"|\b(preserv\w*|stor\w*|keep\w*|kept|archiv\w*)\s+(\w+\s+){0,4}(permanently|forever|long[- ]term)",
    },
)

QUALIFIERS: tuple[Qualifier, ...] = (PRICE, DURATION)


def without_qualifiers(text: str, language: str) -> str:
    """The text with every qualifier's words left out: what a follow-up asks about besides the kind."""
    for qualifier in QUALIFIERS:
        text = qualifier.without(text, language)
    return text


@lru_cache(maxsize=256)
def stated_kinds(text: str) -> Mapping[str, str | None]:
    """Per qualifier, the kind a statement of the (Finnish) description speaks of. The units are few and fixed,
    so the ranker and the verdict read each one's kinds once."""
    return MappingProxyType({qualifier.name: qualifier.of(text, "fi") for qualifier in QUALIFIERS})


# Who would hold the paid event. 2.4 says the library does not organise paid events itself "vaan vuokraa tiloja
# tapahtumajärjestäjille" (but rents spaces to event organisers). Asked by someone who would organise one
# ("Voinko järjestää maksullisen tapahtuman kirjastossa?", "Can a company hold a paid seminar at the library?"),
# the second half answers, with a yes; asked whether the library itself does ("Ordnar biblioteket avgiftsbelagda
# evenemang?", "Om jag vill ordna en workshop, kan biblioteket stå som arrangör?"), the first, with a no.
_LIBRARY_ORGANISES = {
    # ("itse" after the verb is the asker's own doing: "Voinko järjestää itse maksullisen tapahtuman?")
    "fi": r"\b(järjestä\w*|järkkä\w*|pitää|pitääkö|pitääks|myy\w*)\s+(\w+\s+)?(kirjasto|kirjastot|se|ne)\b"
          r"|\b(kirjasto|kirjastot)\s+(\w+\s+)?(itse\s+|ite\s+)?(järjestä|järkkä|pitä|myy)\w*",
    "sv": r"\b(ordnar|arrangerar|anordnar|håller|säljer)\s+(\w+\s+)?(biblioteke[nt]|bibb?l?an|ni|dom|de)\b"
          r"|\b(biblioteke[nt]|bibb?l?an)\s+(\w+\s+)?(själv\s+)?(ordna|arrangera|anordna|hålla|sälja|stå\s+som\s+arrangör)\w*",
    "en": r"\b(the\s+)?(library|libraries|they)\s+(\w+\s+)?(itself\s+)?(organi[sz]|arrang|hold|host|put\w*\s+on|run|sell)\w*",
}
_ORGANISE_VERBS = {
    "fi": r"(järjestä\w*|järkkä\w*|järkät\w*|pitää|pitämään|pidä\w*|vuokra\w*|vara\w*)",
    "sv": r"(ordna\w*|hålla|håller|arrangera\w*|anordna\w*|hyra|hyr|boka\w*|köra|ha)",
    "en": r"(organi[sz]\w*|arrang\w*|hold|holding|host\w*|run|running|put\s+on|putting\s+on|throw\w*|rent\w*|hire|hiring|book|booking)",
}
# Someone other than the library would hold it: the asker ("voinko järjestää", "kan ja hyra", "we're planning
# to hold"), anyone ("voiko kirjastossa järjestää", "får man ordna") or a group ("tanssikoulu haluis pitää").
_OTHERS_ORGANISE = {
    "fi": rf"\b(voinko|voisinko|voimmeko|voisimmeko|voinks|voiks|voiko|voisiko|voisko|saanko|saammeko|saako|saaks|"
          rf"onnistuuko|mahdollista|halua\w*|haluis\w*|aion|aiomme|aikoo|suunnittel\w*)\b[^?.!]{{0,40}}\b{_ORGANISE_VERBS['fi']}\b"
          r"|\b(järjestän|järjestämme|järkkään|järkätään|pidän|pidämme|vuokraan|vuokraamme)\b",
    "sv": rf"\b(kan|får|skulle|kunde)\s+(jag|ja|vi|man|ni|någon|nån|mitt\s+\w+|vårt\s+\w+|vår\s+\w+|min\s+\w+|en\s+\w+|ett\s+\w+)"
          rf"\s+(\w+\s+)?{_ORGANISE_VERBS['sv']}\b"
          rf"|\b(jag|ja|vi)\s+(vill|ska|planerar|tänker)\s+(att\s+)?(\w+\s+)?{_ORGANISE_VERBS['sv']}\b"
          rf"|\bgår\s+det\s+att\s+{_ORGANISE_VERBS['sv']}\b",
    "en": rf"\b(can|could|may|might)\s+(i|we|one|someone|somebody|anyone|a\s+\w+|an\s+\w+|my\s+\w+|our\s+\w+)\s+(\w+\s+)?"
          rf"{_ORGANISE_VERBS['en']}\b"
          rf"|\b(i|we)('m|\s+am|'re|\s+are)?\s+(want|wanna|plan|planning|would\s+like|'d\s+like|hoping)\s+(to\s+)?(\w+\s+)?"
          rf"{_ORGANISE_VERBS['en']}\b"
          rf"|\b(i|we)('m|\s+am|'re|\s+are)\s+{_ORGANISE_VERBS['en']}\b"
          rf"|\bis\s+it\s+possible\s+to\s+{_ORGANISE_VERBS['en']}\b",
}
_LIBRARY_ORGANISES_RE = {language: re.compile(p, re.I) for language, p in _LIBRARY_ORGANISES.items()}
_OTHERS_ORGANISE_RE = {language: re.compile(p, re.I) for language, p in _OTHERS_ORGANISE.items()}
_RENTS_SPACES = re.compile(r"\bvuokraa\b", re.I)


def asks_as_organiser(question: str, language: str, earlier: str | None = None) -> bool:
    """Whether the question asks about a paid event the asker (or someone else, not the library) would hold. A
    follow-up that only adds the fee ("tarkoitin maksullista") has its organiser in the earlier turn."""
    if PRICE.of(question, language) != PAID or language not in _OTHERS_ORGANISE_RE:
        return False
    for text in (question, earlier or ""):
        if _LIBRARY_ORGANISES_RE[language].search(text):
            return False
        if _OTHERS_ORGANISE_RE[language].search(text):
            return True
    return False


def rents_spaces(text: str, *, denies: bool) -> bool:
    """Whether a statement of the (Finnish) description says the library rents out its spaces."""
    return not denies and bool(_RENTS_SPACES.search(text))


# Plans and the future: what the library is investigating or developing (section 3) answers "will the library ...
# in future?" ("entä tulevaisuudessa?", "Planerar biblioteket ...?") better than what it does now, when both match.
# Only the library's (or anyone's) plans: the asker's own ("aion", "we're planning") are not asked about.
_FUTURE = {
    "fi": r"\b(tulevaisuude\w*|jatkossa|vastedes|lähivuosina|tulevina vuosina|pidemmällä aikavälillä|"
          r"suunnittele(e|ekö|eeko|eks|vat|vatko|illaan|ilaanko)|suunnitelm\w*|aiko(o|oko|oks|vat|vatko)|aikeita|"
          r"on tulossa|ollaanko tekemässä)\b",
    "sv": r"\b(framöver|framtid\w*|på sikt|de kommande åren|(?<!\bvi )(?<!\bjag )(?<!\bja )planer(ar|as|ade|na)?|"
          r"kommer\s+(?!(det|de|dom)\s+(sig|sej)\b)(\w+\s+){0,2}(att|kunna|få)|tänker\s+(biblioteket|bibb?l?an|staden|man|ni|dom|de))\b",
    "en": r"\b(future|someday|one day|eventually|upcoming|in the coming years|"
          r"(any|are there|there are|have|has|with) plans?|"
          r"(library|libraries|they|city|helsinki)\s+((also|still|now|really)\s+)?(plans?|planning|intends?|is going to|are going to)|"
          r"will (the )?(library|libraries|they|city|helsinki))\b",
}
_FUTURE_RE = {language: re.compile(p, re.I) for language, p in _FUTURE.items()}


def asks_about_future(question: str, language: str) -> bool:
    """Whether the question asks about plans or the future rather than what is done now."""
    pattern = _FUTURE_RE.get(language)
    return bool(pattern and pattern.search(question))
