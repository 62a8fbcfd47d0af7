"""Lexical matching per language: terms from Voikko lemmas and compound parts (Finnish) or Snowball stems.

Finnish inflects and compounds freely: `myyttekö` and `kirjamyyntiä` share the lemma `myydä` only after
morphological analysis, so Finnish goes through Voikko (Debian's libvoikko) when it is installed and falls
back to the Snowball stemmer otherwise. Lexical evidence is only ever compared within one language.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from functools import lru_cache
from typing import Iterable, Sequence

# A hyphenated compound ("e-kirjasto", "3D-tulostin", "e-books") is one word: split, its distinctive part
# ("e") would be too short to keep and the rest ("kirjasto") a stopword, losing what the question is about.
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
PART = "~"  # marks a compound part ("myynti" in "kirjamyynti"): it matches, but for partial credit
PART_CREDIT = 0.6
SNOWBALL_NAMES = {"fi": "finnish", "sv": "swedish", "en": "english"}

# Words that carry no topic in a "does the library do X?" question.
STOPWORDS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        """
        ja on ei eikä että se ne tämä tuo mikä mitä kuka ketkä kenen missä mistä mihin miten miksi milloin
        voiko voinko voisiko onko ovatko saako saanko pitääkö täytyykö entä entäs myös vai tai sekä mutta kanssa
        jos kun niin siis nyt vielä jo minä mä minulle mulle minun meidän te teidän sinä sä sinun hän he me
        olla olen olet ole oli olisi voi voin voit voisin pitää täytyy saa saan eli kai kyllä joo juu eikö
        kirjasto kaupunginkirjasto helsinki helsingin kaupunki tehdä hoitaa kuulua
        itse oma omat mitään jotain joku jokin kaikki ollenkaan siellä sieltä sinne teillä teiltä teille
        vaan sitten ihan vähän onks onkse voiks saaks noh no mites vissiin paljon monta kerran juttu asia
        eiks mun mulla oon oot ois voisko saisko onnistuuko sit ite kaa ku nii tarkoitin tarkotin sori anteeksi
        """.split()
    ),
    "sv": frozenset(
        """
        och är inte att det den de som vad vem vilka vilken var varför hur när kan kunde får måste ska skulle
        också eller men utan med för till från på av om ett en jag mig min mitt vi oss ni er du dig han hon
        någon något några alla där här då nu än även ju väl inga ingen inget finns själv själva sig sina sitt sin
        bibliotek biblioteket bibliotekets stadsbibliotek stadsbiblioteket helsingfors stad göra gör har ha
        sant verkligen egentligen så bara vill ville veta säga kanske nog typ alltså liksom stämmer rätt
        okej hej mycket många gång sak saker ut upp bort vid
        ja va nåt nån mej dej int e menade menar förlåt ursäkta vart få nej blir går gick gått
        """.split()
    ),
    "en": frozenset(
        """
        the a an and or but not is are was were be been do does did doesn don isn aren can could may might will
        would should must shall have has had what who whom which where when why how i me my we our you your he
        she it its they them their there here this that these those of to in on at for from with by about into
        also too any some all no yes library libraries city helsinki please thanks true really actually s t
        anyone someone something anything so just guys guy get got like want wanted know tell correct right
        ok okay yeah hi hey thing things way lot lots kind sort maybe perhaps sure still even ever already
        always never much many once whats what's off out up away then
        isnt dont doesnt cant wont arent didnt im ive youre theyre mean meant sorry
        """.split()
    ),
}

# "The library" as people say it in chat: slang and the inflected forms the lists above lack.
_LIBRARY_WORDS = {
    "fi": "kirkkis kirjis kirkkiksessä kirkkiksestä kirkkikseen kirjiksessä kirjiksestä kirjikseen",
    "sv": "biblan bibban bibblan bibbla biblioteken bibliotekens dom",
    "en": "lib libs librarys",
}

# The library's branches, by the names residents use. A question about "Oodi" or "Kallion kirjasto" is a
# question about the library, which the description covers as a whole: like "kirjasto" itself, the name
# carries no topic (and must not read as a subject the description never mentions). Finnish names are
# matched through Voikko's base forms ("Oodissa", "Kalliossa").
_FINNISH_BRANCHES = """
    oodi keskustakirjasto pääkirjasto lähikirjasto arabianranta etelä-haaga haaga herttoniemi itäkeskus jakomäki
    jätkäsaari kalasatama kallio kannelmäki kontula koskela laajasalo lauttasaari malmi maunula munkkiniemi
    myllypuro oulunkylä paloheinä pasila pihlajamäki pikku huopalahti pitäjänmäki puistola pukinmäki
    rikhardinkatu roihuvuori suomenlinna suutarila tapanila tapulikaupunki töölö vallila viikki vuosaari
"""
_SWEDISH_BRANCHES = """
    oodi centrumbiblioteket huvudbiblioteket arabiastranden södra haga hertonäs östra centrum jakobacka busholmen
    fiskehamnen berghäll berghälls gårdsbacka forsby degerö drumsö malm åggelby munksnäs kvarnbäcken
    bocksbacka böle lillhoplax sockenbacka parkstad rikardsgatan kasberget sveaborg skomakarböle mosabacka
    stapelstaden tölö vallgård vik nordsjö
"""
_BRANCHES = {"fi": _FINNISH_BRANCHES, "en": _FINNISH_BRANCHES, "sv": _SWEDISH_BRANCHES + _FINNISH_BRANCHES}
STOPWORDS = {
    language: words | frozenset(_LIBRARY_WORDS[language].split()) | frozenset(_BRANCHES[language].split())
    for language, words in STOPWORDS.items()
}
_BRANCH_WORDS = {language: frozenset(names.split()) for language, names in _BRANCHES.items()}
# Words the stemmer merges with a word of another meaning, read as the word they mean: Swedish "boka"
# (to book a room) stems to "bok" (a book) and made room questions match the book-sales statement.
STEM_EXCEPTIONS: dict[str, dict[str, str]] = {
    "sv": {form: "bokning" for form in "boka bokar bokade bokat bokas bokats bokades".split()},
}
# "The library" in the case the branch name had ("Oodissa" -> "kirjastossa"), by Voikko's case names.
_FINNISH_LIBRARY_FORMS = {
    "nimento": "kirjasto", "omanto": "kirjaston", "osanto": "kirjastoa", "sisaolento": "kirjastossa",
    "sisaeronto": "kirjastosta", "sisatulento": "kirjastoon", "ulkoolento": "kirjastolla", "ulkoeronto": "kirjastolta",
    "ulkotulento": "kirjastolle", "olento": "kirjastona", "tulento": "kirjastoksi",
}
_THE_LIBRARY = {"fi": "kirjasto", "sv": "biblioteket", "en": "the library"}
_LIBRARY_NOUNS = re.compile(r"(kirjasto|lähikirjasto|bibliotek|library|branch)\w*$", re.IGNORECASE)


# Swedish particle verbs whose particle turns the meaning: "hyra in" is to hire (performers, a crew), "hyra ut"
# to let and "hyra in sig" to rent a room for oneself. Read by its stem alone, "Hyr biblioteket in teknisk
# personal?" matched 2.4's "hyr ut lokaler till evenemangsarrangörer" best; hiring is buying the service (2.2).
_HIRE_IN = re.compile(
    r"\b(?P<verb>hyr|hyra|hyrs|hyrde|hyrdes|hyrt|hyrts)(?P<between>(?:\s+[^\W\d_]+){0,3}?)\s+in\b"
    r"(?!\s+(?:mig|dig|sig|oss|er|mej|dej|sej)\b)",
    re.IGNORECASE,
)
_HIRED_IN = re.compile(r"\binhyr(?P<ending>d|da|t|de|des)\b", re.IGNORECASE)
_BUY_FORMS = {"hyr": "köper", "hyra": "köpa", "hyrs": "köps", "hyrde": "köpte", "hyrdes": "köptes", "hyrt": "köpt",
              "hyrts": "köpts", "d": "köpt", "da": "köpta", "t": "köpt", "de": "köpta", "des": "köptes"}
_REFLEXIVE = frozenset("mig dig sig oss er mej dej sej".split())
# English "hire" is renting a room when the asker hires ("can I hire a hall?") and letting with "out", but
# employing when the library hires ("does the library hire musicians?"): bought in, 2.2, not 2.4's renting.
_LIBRARY_HIRES = re.compile(
    r"\b(?P<subject>librar(?:y|ies)|city|it|they)(?P<between>(?:\s+(?:\w+ly|ever|also|even|ever\s+actually))?\s+)"
    r"(?P<verb>hire|hires|hired|hiring)\b(?!\s+(?:out|new|more|staff|employees|workers|librarians|people)\b)",
    re.IGNORECASE,
)
_BUY_FORMS_EN = {"hire": "buy", "hires": "buys", "hired": "bought", "hiring": "buying"}


def _as_typed(word: str, written: str) -> str:
    return written.capitalize() if word[:1].isupper() else written


def hiring_read(text: str, language: str) -> str:
    """Swedish "hyra in" (hire) and English "the library hires" read as buying ("köpa", "buy"), which is what
    the description says of performers and technical crews; other texts unchanged."""
    if language == "en":
        return _LIBRARY_HIRES.sub(
            lambda m: m.group("subject") + m.group("between") + _as_typed(m.group("verb"), _BUY_FORMS_EN[m.group("verb").lower()]),
            text,
        )
    if language != "sv":
        return text

    def hire(m: re.Match) -> str:
        if _REFLEXIVE & set(m.group("between").lower().split()):
            return m.group()  # "hyra mig in": renting for oneself
        return _as_typed(m.group("verb"), _BUY_FORMS[m.group("verb").lower()]) + m.group("between")

    text = _HIRE_IN.sub(hire, text)
    return _HIRED_IN.sub(lambda m: _as_typed(m.group(), _BUY_FORMS[m.group("ending").lower()]), text)


# Voikko reads some verbs as names too ("ostaa" is also the place Osta): those readings do not count.
_NAME_CLASSES = frozenset({"etunimi", "sukunimi", "paikannimi", "nimi"})


def analysis_fingerprint(analyzers: "dict[str, Analyzer]") -> str:
    """What the index's stored terms depend on: each language's backend, the tokenizer, stopwords, stem exceptions
    the spoken Finnish endings and the chat shorthand.

    Recorded in the index manifest, so changing any of them rebuilds the index instead of matching
    questions against terms made the old way.
    """
    import hashlib

    shorthand = sorted((language, sorted(words.items())) for language, words in CHAT_SHORTHAND.items())
    recipe = [_TOKEN.pattern, PART, repr(_SPOKEN_ENDINGS), repr(shorthand)] + [
        f"{language}:{analyzers[language].backend}:{' '.join(sorted(STOPWORDS.get(language, ())))}"
        f":{' '.join(f'{k}={v}' for k, v in sorted(STEM_EXCEPTIONS.get(language, {}).items()))}"
        for language in sorted(analyzers)
    ]
    digest = hashlib.sha256("\n".join(recipe).encode("utf-8")).hexdigest()[:12]
    return f"{analyzers['fi'].backend}:{digest}" if "fi" in analyzers else digest


class Analyzer:
    """Turns text of one language into index terms. Thread-safe; Voikko calls are serialised."""

    def __init__(self, language: str, use_voikko: bool = True):
        self.language = language
        self._stemmer = _snowball(language)
        self._voikko = _voikko() if (use_voikko and language == "fi") else None
        self._lock = threading.Lock()

    @property
    def backend(self) -> str:
        return "voikko" if self._voikko is not None else "snowball"

    def tokens(self, text: str) -> list[str]:
        return [t.lower() for t in _TOKEN.findall(text)]

    def branches_as_library(self, text: str) -> str:
        """The text with the library's branch names read as "the library", as the lexical side reads them.

        e5 does not know "Oodi" or "Kallio" and matches "Does Oodi organise free events?" much less well than
        the same question about the library, though the description answers both. "Kallion kirjasto" keeps
        just "kirjasto"; a lone name becomes the library, in its case in Finnish ("Oodissa" -> "kirjastossa").
        """
        names = _BRANCH_WORDS.get(self.language, frozenset())
        matches = list(_TOKEN.finditer(text))
        out, last = [], 0
        for i, m in enumerate(matches):
            case = self._branch_case(m.group(), names)
            if case is None:
                continue
            following = matches[i + 1].group() if i + 1 < len(matches) else ""
            if following and (self._branch_case(following, names) is not None or _LIBRARY_NOUNS.match(following)):
                replacement = ""  # "Kallion kirjasto", "pikku Huopalahti": the next word carries it
            elif self.language == "fi":
                replacement = _FINNISH_LIBRARY_FORMS.get(case, _THE_LIBRARY["fi"])
            else:
                replacement = _THE_LIBRARY.get(self.language, m.group())
            out.append(text[last:m.start()] + replacement)
            last = m.end()
        if not out:
            return text
        return " ".join(("".join(out) + text[last:]).split())

    def _branch_case(self, token: str, names: frozenset[str]) -> str | None:
        """The token's grammatical case if it is a branch name ("nimento" outside Finnish), else None."""
        word = token.lower()
        if word in names:
            return next((a.get("SIJAMUOTO") for a in self._analyses(token) if a.get("SIJAMUOTO")), "nimento")
        for analysis in self._analyses(token):
            if (analysis.get("BASEFORM") or "").lower() in names:
                return analysis.get("SIJAMUOTO") or "nimento"
        return None

    def content_tokens(self, text: str) -> list[str]:
        stop = STOPWORDS.get(self.language, frozenset())
        return [t for t in self.tokens(text) if t not in stop and not t.isdigit() and len(t) > 1]

    def terms(self, text: str) -> list[set[str]]:
        """One set of terms per content word (lemma, compound parts, stem): a word matches if any term does.
        Words whose lemma is a stopword ("kirjastossa" -> kirjasto) are dropped like the stopword itself."""
        return [terms for t in self.content_tokens(text) if (terms := self.word_terms(t))]

    def text_terms(self, text: str) -> list[str]:
        """All index terms of a text, sorted: what the index stores per view."""
        return sorted(set().union(*self.terms(text)))

    def word_terms(self, word: str) -> set[str]:
        return set(self._word_terms(word))

    def is_dictionary_word(self, word: str) -> bool:
        """True when the spell checker (Voikko, Finnish only) knows the word: it is no typo to correct."""
        if self._voikko is None:
            return False
        with self._lock:
            return bool(self._voikko.spell(word))

    def can_be_verb(self, word: str) -> bool:
        """True when the word can be read as a finite verb or an infinitive (Finnish only: "ostaa", and
        "lainaa", also a noun). Verbal nouns ("lukemista") do not count: they name a topic like other nouns."""
        return any(a.get("CLASS") == "teonsana" and a.get("MOOD") != "MINEN-infinitive" for a in self._analyses(word))

    def is_verb(self, word: str) -> bool:
        """True when the word is a verb and cannot be read otherwise ("myykö", "voiko"; not "lainaa")."""
        classes = {a.get("CLASS") for a in self._analyses(word)} - _NAME_CLASSES
        return classes == {"teonsana"}

    @lru_cache(maxsize=65536)
    def standard_form(self, word: str) -> str | None:
        """The written form of a chat or spoken one: Swedish and English shorthand ("ppl" -> "people", "nåt" ->
        "något"), and spoken Finnish Voikko does not know ("myyks" -> "myykö", "tapahtumii" -> "tapahtumia",
        "apurahoi" -> "apurahoja", "kirjastos" -> "kirjastossa"), or None."""
        if written := CHAT_SHORTHAND.get(self.language, {}).get(word.lower()):
            return written
        if self._voikko is None or len(word) < 4 or self._analyses(word):
            return None
        for ending, written in _SPOKEN_ENDINGS:
            if word.endswith(ending):
                stem = word[: -len(ending)]
                if ending == "ks" and not self.can_be_verb(stem):
                    written = ("ksi",)  # no verb to ask with: a translative ("pitkäks", "vuodeks")
                for candidate in (stem + w for w in written):
                    if self._analyses(candidate):
                        return candidate
        return None

    def _analyses(self, word: str) -> list[dict]:
        """Voikko's morphological analyses of the word (none without Voikko)."""
        if self._voikko is None:
            return []
        with self._lock:
            return self._voikko.analyze(word)

    @lru_cache(maxsize=65536)
    def _word_terms(self, word: str) -> tuple[str, ...]:
        stop = STOPWORDS.get(self.language, frozenset())
        if meant := STEM_EXCEPTIONS.get(self.language, {}).get(word.lower()):
            return (meant,)
        analyses = self._analyses(word)
        if not analyses and (written := self.standard_form(word)):  # Voikko knows no spoken form
            word, analyses = written, self._analyses(written)
            if word in stop:  # "pls" is please, "lib" the library
                return ()
        bases = {a["BASEFORM"].lower() for a in analyses if a.get("BASEFORM")}
        if "-" in word:
            # The whole compound, plus its parts for partial credit ("Helmet-kuntien" ~ "Helmet").
            parts = {PART + t.lstrip(PART) for part in word.split("-") if len(part) > 1 for t in self._word_terms(part)}
            whole = {self._stemmer.stemWord(word), word} | bases
            return tuple(sorted((whole - stop) | parts))
        if bases & stop:
            return ()  # an inflected stopword ("kirjastossa" is kirjasto)
        terms = {self._stemmer.stemWord(word)}
        for analysis in analyses:
            if base := analysis.get("BASEFORM"):
                terms.add(base.lower())
                terms.add(self._stemmer.stemWord(base.lower()))
            for part in re.findall(r"\(([^)+]+)\)", analysis.get("WORDBASES", "")):
                if len(part) >= 3 and part.lower() not in terms:
                    terms.add(PART + part.lower())
        return tuple(sorted(t for t in terms if t and t.lstrip(PART) not in stop))


# Chat shorthand and its written word, for what e5 reads and for the words matched: "does helsinki lib do
# research help for phd ppl" read as unknown words was answered "not covered". Only shorthand that can mean
# nothing else ("ja" is yes as well as jag, "va" vad as well as var: left alone).
CHAT_SHORTHAND: dict[str, dict[str, str]] = {
    "en": {
        "u": "you", "ya": "you", "ur": "your", "r": "are", "ppl": "people", "pls": "please", "plz": "please",
        "wanna": "want", "gonna": "going", "gotta": "must", "thx": "thanks", "abt": "about", "bc": "because",
        "cuz": "because", "coz": "because", "smth": "something", "sth": "something", "lib": "library",
        "libs": "libraries", "info": "information", "tmrw": "tomorrow", "govt": "government",
    },
    "sv": {
        "nåt": "något", "nån": "någon", "nåra": "några", "ba": "bara", "mkt": "mycket", "e": "är", "o": "och",
        "sån": "sådan", "sånt": "sådant", "såna": "sådana", "dom": "de", "mej": "mig", "dej": "dig", "sej": "sig",
        "biblan": "biblioteket", "bibban": "biblioteket", "bibblan": "biblioteket", "nä": "nej",
    },
}

# Endings of spoken Finnish and their written forms, tried in order: chat questions are typed the way they are
# said. "-ks" is a verb's question clitic ("voiks" -> "voiko") or a translative ("ilmaiseks" -> "ilmaiseksi"),
# "-ii" and "-oi" a partitive plural, "-s" an inessive.
_SPOKEN_ENDINGS = (
    ("ks", ("ko", "kö", "ksi")),
    ("ii", ("ia", "iä")),
    ("oi", ("oja",)),
    ("öi", ("öjä",)),
    ("s", ("ssa", "ssä")),
)


@lru_cache(maxsize=None)
def _snowball(language: str):
    import Stemmer

    return Stemmer.Stemmer(SNOWBALL_NAMES[language])


@lru_cache(maxsize=1)
def _voikko():
    try:
        from libvoikko import Voikko

        return Voikko("fi")
    except Exception:  # libvoikko1/voikko-fi missing: fall back to Snowball, still works
        return None


def closest_spelling(word: str, vocabulary: Sequence[str]) -> str | None:
    """The vocabulary word this one is most likely a typo of, or None.

    A typo is one edit (a letter missing, extra, wrong, or two letters swapped) in a word of up to eight
    letters, two in a longer one, and it keeps the first letter. Looser matching turned real words into
    other words ("parking" into "speaking"), inventing a topic the person never asked about.
    """
    allowed = 1 if len(word) <= 8 else 2
    best, best_distance = None, allowed + 1
    for candidate in vocabulary:
        if candidate[:1] != word[:1] or abs(len(candidate) - len(word)) > allowed:
            continue
        distance = _edit_distance(word, candidate, best_distance - 1)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent swaps), or limit + 1 once it exceeds limit."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit and min(previous) >= limit:  # no later row can get back under the limit
            return limit + 1
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else limit + 1


class LexicalIndex:
    """Documents of one language as term sets, scored by idf-weighted coverage of the question's words.

    Coverage rather than raw BM25: the share of what the person asked about that a unit mentions is both a
    ranking signal and, when low everywhere, a sign the document does not cover the question.
    """

    def __init__(self, analyzer: Analyzer, documents: Sequence[Iterable[str]], surfaces: Iterable[str] = ()):
        self.analyzer = analyzer
        self.doc_terms: list[frozenset[str]] = [frozenset(d) for d in documents]
        counts = Counter(t for terms in self.doc_terms for t in terms)
        n = max(1, len(self.doc_terms))
        self.idf = {t: math.log(1 + n / c) for t, c in counts.items()}
        self.unknown_idf = math.log(1 + n)  # a word no document has is as informative as the rarest one
        # Typos are corrected against the words as written, not their stems (stems are too short to compare).
        self._surfaces = sorted({w for w in surfaces if len(w) >= 4})
        self._postings: dict[str, list[int]] = {}
        for i, terms in enumerate(self.doc_terms):
            for t in terms:
                self._postings.setdefault(t, []).append(i)

    def _known(self, terms: set[str]) -> bool:
        """Whether the documents use this word: as a whole, or (a compound) every one of its parts.

        One known part is not enough: "parkkipaikka" shares "paikka" with "kohtaamispaikka", but the
        document never speaks about parking.
        """
        whole = [t for t in terms if not t.startswith(PART)]
        if any(t in self.idf or PART + t in self.idf for t in whole):
            return True
        parts = [t for t in terms if t.startswith(PART)]
        return bool(parts) and all(t in self.idf or t.lstrip(PART) in self.idf for t in parts)

    def word(self, token: str) -> set[str]:
        """A question word's terms; an unknown word is first respelt as the closest word the documents use."""
        return set(self._word(token))

    @lru_cache(maxsize=65536)
    def _word(self, token: str) -> frozenset[str]:
        return frozenset(self._respelt(token))

    def _respelt(self, token: str) -> set[str]:
        close = self.spelling(token)
        return self.analyzer.word_terms(close or token)

    @lru_cache(maxsize=65536)
    def spelling(self, token: str) -> str | None:
        """The word the documents use that this unknown word is a typo of ("libary" -> "library"), or None."""
        terms = self.analyzer.word_terms(token)
        if not terms or self._known(terms) or len(token) < 5 or self.analyzer.is_dictionary_word(token):
            return None
        return closest_spelling(token.lower(), self._surfaces)

    def respelt(self, text: str) -> str:
        """The text with its typos of the documents' words corrected, and spoken Finnish written ("onks" ->
        "onko"); the text itself when there are none."""
        fixes = {t: written for t in self.analyzer.tokens(text) if (written := self.analyzer.standard_form(t))}
        fixes |= {t: close for t in self.analyzer.content_tokens(text) if (close := self.spelling(t))}
        if not fixes:
            return text
        return _TOKEN.sub(lambda m: fixes.get(m.group().lower(), m.group()), text)

    def query_words(self, text: str) -> list[set[str]]:
        return [terms for token in self.analyzer.content_tokens(text) if (terms := self.word(token))]

    def word_weight(self, terms: set[str]) -> float:
        known = [self.idf[t] for t in terms if t in self.idf and not t.startswith(PART)]
        return max(known) if known else self.unknown_idf

    def unknown_tokens(self, text: str) -> list[str]:
        """The question's content words that no document of this language uses, even allowing for typos."""
        unknown = []
        for token in self.analyzer.content_tokens(text):
            terms = self.word(token)
            if terms and not self._known(terms):
                unknown.append(token)
        return unknown

    def unknown_words(self, words: list[set[str]]) -> int:
        return sum(1 for w in words if not self._known(w))

    def search(self, words: list[set[str]]) -> dict[int, float]:
        """Coverage per document that shares at least one word with the question."""
        if not words:
            return {}
        weights = [self.word_weight(w) for w in words]
        total = sum(weights)
        scores: dict[int, float] = {}
        for w, weight in zip(words, weights):
            whole = [t for t in w if not t.startswith(PART)]
            full = {d for t in whole for d in self._postings.get(t, ())}
            partial = {
                d
                for t in w
                for key in (t, PART + t.lstrip(PART))
                if key.startswith(PART) or t.startswith(PART)
                for d in self._postings.get(key, ())
            }
            for d in full:
                scores[d] = scores.get(d, 0.0) + weight
            for d in partial - full:
                scores[d] = scores.get(d, 0.0) + PART_CREDIT * weight
        return {d: s / total for d, s in scores.items()}
