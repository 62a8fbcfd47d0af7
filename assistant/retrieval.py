"""Retrieval: rank the document's units for a question by meaning (e5) and by words (gated by language).

Dense similarity runs across languages against every view of a unit (its Finnish text, its aligned
translations, the questions it answers). Lexical coverage compares the question only with views in the
question's own language: an ungated lexical ranking hurts cross-lingual questions (see STACK-NOTES).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np

from assistant.answer_type import fact_asked_for
from assistant.conversation import FollowUp, asks_if_with_others, read_follow_up, without_mode, without_referral
from assistant.corpus import Corpus, Unit
from assistant.index import LoadedIndex
from assistant.lexical import Analyzer, LexicalIndex, hiring_read
from assistant.modality import Modality
from assistant.query_adapter import QueryAdapter
from assistant.qualifiers import (
    QUALIFIERS,
    asks_about_future,
    asks_as_organiser,
    rents_spaces,
    stated_kinds,
    without_qualifiers,
)


@dataclass(frozen=True, kw_only=True)
class RetrievalWeights:
    """How dense and lexical evidence combine. Tuned on the dev split only."""

    lexical: float = 0.12
    question_view_bonus: float = 0.0
    context_weight: float = 0.6  # weight of the earlier turn's meaning when a follow-up is resolved
    context_lexical_weight: float = 0.3  # ... and of its words: the follow-up's own words are the news
    # Statements of what is being developed are about intentions; when an established statement (2.1-2.4)
    # matches about as well, it is the better answer to "does the library do X".
    developing_offset: float = -0.01
    max_unknown_probes: int = 2  # unknown words whose support for the match is measured
    # A question that only might continue the earlier turn does so when the earlier turn raises its best
    # dense match by at least this much; otherwise it is a new question.
    follow_up_gain: float = 0.05
    # ... and one that asks only how something is provided ("is that an actual service?", "Does the library run
    # pilots?") asks it of the earlier topic when that topic alone matches the document better than the question.
    how_follow_up_gain: float = 0.0
    # A statement that answers the question otherwise than its words suggest, on a qualifier such as free or
    # paid (see qualifiers.py), is set back this much.
    qualifier_mismatch: float = -0.05
    # ... and one that speaks of exactly the narrow kind asked about ("for the whole year?" and the long-term
    # statement, "paid events?" and the paid-events one) is brought forward this much: a statement that does
    # not speak of that kind does not answer the question. (A question about the other kind, "is it free?",
    # may be answered by a "no" about the narrow kind, so it brings none forward.)
    qualifier_match: float = 0.05
    # A follow-up that asks only whether the earlier topic is done with others brings the topic's statements
    # made with partners forward this much, over one about the same topic the library does alone.
    with_others_match: float = 0.03
    # A paid event the asker would hold ("Voinko järjestää maksullisen tapahtuman kirjastossa?") is answered by the
    # statement that the library rents spaces to organisers, brought forward this much; the library's own "no"
    # to paid events is set back as much.
    organiser_match: float = 0.1
    # A question about plans or the future ("entä tulevaisuudessa?", "Planerar biblioteket ...?") brings the
    # statements of what is being developed (section 3) forward this much.
    future_match: float = 0.03


DEFAULT_WEIGHTS = RetrievalWeights()


@dataclass(frozen=True)
class Evidence:
    unit: Unit
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class MatchProfile:
    """How the question alone matched the document's views: the shape of the similarities, not just the top.

    A question the document answers usually matches one unit's own text clearly; one it does not answer
    tends to match only a generated question, or many units about equally.
    """

    top_text_view: float  # best similarity of the top unit's text views (Finnish text and its translations)
    top_question_view: float  # ... of its generated questions
    best_text_view: float  # best similarity of any unit's text view
    top_gap5: float  # best unit's similarity minus the fifth best's


@dataclass(frozen=True)
class Retrieval:
    """Ranked evidence plus what the question itself looked like to the lexical side."""

    ranked: tuple[Evidence, ...]
    content_words: int
    unknown_words: int
    asks_for: str | None = None  # a kind of fact the description never states ("an amount or a time")
    unknown_names: tuple[str, ...] = ()  # names the document never mentions ("Kindle", "Hufvudstadsbladet")
    names_a_branch: bool = False  # the question names one of the library's branches ("Oodi", "Kallion kirjasto")
    asks_about: tuple[tuple[str, str | None], ...] = ()  # per qualifier, the kind the question asks about ("price", "free")
    profile: MatchProfile | None = None
    context_used: bool = False  # an earlier turn was read in (a follow-up), not set aside
    # e5's vector of what the profile read: the question, or a follow-up read into its earlier turn.
    question_vector: np.ndarray | None = field(default=None, repr=False, compare=False)
    support_probe: Callable[[], tuple[tuple[str, float], ...]] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def unknown_word_support(self) -> tuple[tuple[str, float], ...]:
        """For each word of the question that the document never uses (at most a few): how much the best
        unit's similarity drops when the word is left out (near zero or negative: the match ignores it).

        Measured on first use only: each word costs a query embedding, and a question that is not covered
        for other reasons never needs it.
        """
        return self.support_probe() if self.support_probe is not None else ()


class UnitRanker:
    """Scores every unit for a question. Stateless after construction, so safe to share across threads."""

    def __init__(
        self,
        index: LoadedIndex,
        corpus: Corpus,
        embedder,
        analyzers: dict[str, Analyzer],
        weights: RetrievalWeights = DEFAULT_WEIGHTS,
        adapter: QueryAdapter | None = None,
    ):
        self.corpus = corpus
        self.embedder = embedder
        self.weights = weights
        self.adapter = adapter
        self.units: list[Unit] = []
        unit_position: dict[str, int] = {}
        for view in index.views:
            if view.unit_id not in unit_position:
                unit_position[view.unit_id] = len(self.units)
                self.units.append(corpus.unit(view.unit_id))
        self._view_unit = np.array([unit_position[v.unit_id] for v in index.views], dtype=np.int64)
        self._developing = np.array([u.modality is Modality.DEVELOPING for u in self.units], dtype=np.float32)
        self._offsets = weights.developing_offset * self._developing
        self._with_partners = np.array([u.modality is Modality.WITH_PARTNERS for u in self.units], dtype=np.float32)
        # A paid event the asker would hold: the statement that the library rents spaces to organisers answers,
        # the one that it does not hold paid events itself answers otherwise.
        rents = [rents_spaces(u.text, denies=u.modality is Modality.DOES_NOT) for u in self.units]
        renting_sentences = {(u.source, u.sentence_start) for u, r in zip(self.units, rents) if r}
        self._organiser_shift = np.array(
            [
                # minus the "no" in the same sentence: "ei itse järjestä maksullisia tapahtumia, vaan vuokraa ..."
                r - (u.modality is Modality.DOES_NOT and (u.source, u.sentence_start) in renting_sentences)
                for u, r in zip(self.units, rents)
            ],
            dtype=np.float32,
        )
        # Per qualifier and kind asked about: each unit's shift in the fused score, set back when it answers
        # otherwise, brought forward when it speaks of exactly the narrow kind asked about.
        self._qualifier_shift: dict[str, dict[str | None, np.ndarray]] = {}
        for qualifier in QUALIFIERS:
            stated = [(stated_kinds(u.text)[qualifier.name], u.modality is Modality.DOES_NOT) for u in self.units]
            self._qualifier_shift[qualifier.name] = {
                asked: np.array(
                    [
                        weights.qualifier_mismatch * qualifier.answers_otherwise(asked, kind, denies=denies)
                        + weights.qualifier_match * (asked == qualifier.narrow and kind == asked)
                        for kind, denies in stated
                    ],
                    dtype=np.float32,
                )
                for asked in qualifier.askable
            }
        self._is_question = np.array([v.kind == "question" for v in index.views])
        self._index = index
        self.analyzers = analyzers
        self._vectors = index.vectors
        self._lexical: dict[str, tuple[LexicalIndex, np.ndarray]] = {}
        self.vocabularies: dict[str, frozenset[str]] = {}
        for language, analyzer in analyzers.items():
            positions = [i for i, v in enumerate(index.views) if v.language == language]
            surfaces = (w for i in positions for w in analyzer.tokens(index.views[i].text))
            surfaces = frozenset(surfaces)
            self.vocabularies[language] = surfaces
            lex = LexicalIndex(analyzer, [index.terms[i] for i in positions], surfaces)
            self._lexical[language] = (lex, self._view_unit[positions])

    def with_adapter(self, adapter: QueryAdapter | None) -> "UnitRanker":
        """The same ranker comparing questions through another adapter (fitting compares several)."""
        other = copy.copy(self)
        other.adapter = adapter
        return other

    def views(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """e5's vector of every view of the document, and the section of each view's unit."""
        return self._vectors, tuple(self.units[u].section for u in self._view_unit)

    def question_vector(self, question: str, language: str) -> np.ndarray:
        """e5's vector of a question as `rank` reads it alone (typos respelt, branches read as the library),
        before any adapter: what an adapter is fitted on."""
        return self._query_vector(self._reading(hiring_read(question, language), language)[1])

    def _reading(self, question: str, language: str) -> tuple[str, str]:
        # The meaning of "does the libary sell bookz" is that of "does the library sell books": e5 reads
        # typos as other words, so it gets the question with the document's spelling, and branch names
        # (which it does not know) as the library.
        respelt = self._lexical[language][0].respelt(question)
        return respelt, self.analyzers[language].branches_as_library(respelt)

    def _query_vector(self, text: str) -> np.ndarray:
        return np.asarray(self.embedder.query_vector(text), dtype=np.float32)

    def _similarities(self, query: np.ndarray) -> np.ndarray:
        if self.adapter is not None:
            query = self.adapter.apply(query)
        # Not `@`: from about 1,500 views up, OpenBLAS runs this product on threads that then spin-wait and
        # take the cores from the next query embedding (e5 answers got 3x slower). einsum's own loop is
        # single-threaded and needs a fraction of a millisecond.
        return np.einsum("ij,j->i", self._vectors, query)

    def _view_similarities(self, text: str) -> np.ndarray:
        return self._similarities(self._query_vector(text))

    def _per_unit(self, view_similarities: np.ndarray) -> np.ndarray:
        sims = view_similarities + self.weights.question_view_bonus * self._is_question
        per_unit = np.full(len(self.units), -1.0, dtype=np.float32)
        np.maximum.at(per_unit, self._view_unit, sims)
        return per_unit

    def _dense(self, text: str) -> np.ndarray:
        return self._per_unit(self._view_similarities(text))

    def _profile(self, view_similarities: np.ndarray, per_unit: np.ndarray, top: int) -> MatchProfile:
        mine = self._view_unit == top
        texts, questions = mine & ~self._is_question, mine & self._is_question
        ordered = np.sort(per_unit)[::-1]
        return MatchProfile(
            top_text_view=float(view_similarities[texts].max()) if texts.any() else -1.0,
            top_question_view=float(view_similarities[questions].max()) if questions.any() else -1.0,
            best_text_view=float(view_similarities[~self._is_question].max()),
            top_gap5=float(ordered[0] - ordered[min(4, len(ordered) - 1)]),
        )

    def _lexical_scores(self, text: str, language: str) -> tuple[np.ndarray, int, int]:
        lex, view_units = self._lexical[language]
        words = lex.query_words(text)
        per_unit = np.zeros(len(self.units), dtype=np.float32)
        for view_position, coverage in lex.search(words).items():
            unit = view_units[view_position]
            if coverage > per_unit[unit]:
                per_unit[unit] = coverage
        return per_unit, len(words), lex.unknown_words(words)

    def rank(self, question: str, language: str, context: str | None = None, *, context_certain: bool = True) -> Retrieval:
        """Rank units for the question; `context` (an earlier turn) is blended in for follow-ups.

        When `context_certain` is false the question may stand on its own; the context is used only if it
        makes the question match the document clearly better.
        """
        if context and self.adapter is not None:
            # The adapter was fitted on questions asked alone; read into an earlier turn, a follow-up's
            # similarities are those the follow-up rules were set for. One that turns out to stand on its
            # own is read as asked alone.
            read_in = self.with_adapter(None).rank(question, language, context, context_certain=context_certain)
            if read_in.context_used:
                return read_in
            context = None
        lex = self._lexical[language][0]
        question = hiring_read(question, language)
        context = hiring_read(context, language) if context else context
        all_unknown = lex.unknown_tokens(question)
        unknown_tokens = all_unknown[: self.weights.max_unknown_probes]
        respelt, meant = self._reading(question, language)
        question_vector = self._query_vector(meant)
        question_views = self._similarities(question_vector)
        dense = question_dense = self._per_unit(question_views)
        profile_vector, profile_views, profile_dense = question_vector, question_views, question_dense
        lexical, content_words, unknown = self._lexical_scores(question, language)
        asks_how = False
        if context:
            verbs = self.analyzers[language]
            asks_anything_else = lex.query_words(without_referral(question))
            # Only how the earlier topic is provided ("alone?", "ett samarbete?"): the topic is the earlier
            # turns' alone, and the section of its statement answers.
            asks_how = bool(asks_anything_else) and not lex.query_words(without_mode(without_referral(question)))
            if asks_how:
                context = without_mode(context)
                follow_up = FollowUp(context, read_in=True)
                combined_vector = self._query_vector(context)
            else:
                follow_up = read_follow_up(context, question, verbs)
                combined_vector = self._query_vector(read_follow_up(context, meant, verbs).text)
            combined_views = self._similarities(combined_vector)
            combined_dense = self._per_unit(combined_views)
            # A question with no words of its own ("kenen kanssa?", "with whom?") cannot stand alone.
            gain = combined_dense.max() - question_dense.max()
            needed = self.weights.how_follow_up_gain if asks_how else self.weights.follow_up_gain
            if not context_certain and asks_anything_else and gain < needed:
                context = None
        own_words = None
        stands_alone = False
        if context:
            # A follow-up with no words of its own ("so who does?", "vem gör det då?"), or none besides a
            # qualifier ("what about for the whole year?", "entä maksullisia?"), asks about the earlier turn's
            # topic; the qualifier still picks the statement (see `asked` below).
            # So does a fragment read into the earlier question ("entä lapsille?"): alone it means little.
            own_words = content_words and lex.query_words(without_referral(without_qualifiers(question, language)))
            stands_alone = own_words and not follow_up.read_in
            w, lw = (self.weights.context_weight, self.weights.context_lexical_weight) if stands_alone else (1.0, 1.0)
            dense = (1 - w) * dense + w * combined_dense
            if not stands_alone:  # the follow-up means nothing alone: so is its match read, too
                profile_vector, profile_views, profile_dense = combined_vector, combined_views, combined_dense
            ctx_lexical, ctx_words, ctx_unknown = self._lexical_scores(follow_up.text, language)
            lexical = (1 - lw) * lexical + lw * ctx_lexical
            content_words, unknown = ctx_words, ctx_unknown
        # A follow-up with no words of its own ("så det blir nej alltså?") asks about the earlier question as it
        # was put, qualifier and all ("... hela året?"); one with words of its own sets its own.
        asks_only_back = bool(context) and not own_words and not asks_how
        asked = tuple(
            (q.name, q.of(question, language) or (q.of(context, language) if asks_only_back else None)) for q in QUALIFIERS
        )
        shift = sum(self._qualifier_shift[name][kind] for name, kind in asked)
        if context and asks_how and asks_if_with_others(question):
            shift = shift + self.weights.with_others_match * self._with_partners
        if asks_as_organiser(question, language, context):
            shift = shift + self.weights.organiser_match * self._organiser_shift
        if asks_about_future(question, language):
            shift = shift + self.weights.future_match * self._developing
        fused = dense + self.weights.lexical * lexical + self._offsets + shift
        order = np.argsort(-fused, kind="stable")
        top = order[0]

        def word_support() -> tuple[tuple[str, float], ...]:
            # How much each unknown word adds to the best unit's similarity: a word the match does not rest
            # on ("bike" in "can I borrow a bike") is a topic the best unit does not speak about.
            return tuple(
                (w, float(question_dense[top] - self._dense(_drop_word(meant, w))[top])) for w in unknown_tokens
            )
        ranked = tuple(
            Evidence(self.units[i], float(fused[i]), float(dense[i]), float(lexical[i])) for i in order
        )
        return Retrieval(
            ranked=ranked,
            content_words=content_words,
            unknown_words=unknown,
            support_probe=word_support if unknown_tokens else None,
            # Each turn on its own: "när blir det färdigt då?" opens with "when" only when read alone. An earlier
            # "how many?" carries over to a follow-up that continues it, not to one that asks something of its own.
            asks_for=fact_asked_for(question) or (fact_asked_for(context) if context and not stands_alone else None),
            unknown_names=names_among(question, all_unknown),
            names_a_branch=meant != respelt,  # a branch name was read as the library
            asks_about=asked,
            profile=self._profile(profile_views, profile_dense, int(top)),
            context_used=bool(context),
            question_vector=profile_vector,
        )


_WORD = re.compile(r"\w[\w-]*")
# English writes these with a capital, but they are not names.
_CAPITALISED_COMMON_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays "
    "saturdays sundays january february march april may june july august september october november december".split()
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+)[\W_]*(\w)")


def names_among(question: str, words: list[str]) -> tuple[str, ...]:
    """Those of `words` (lower-case) that the question writes with a capital initial inside a sentence:
    names ("Kindle", "Kindlellä"). A question in capitals has none; an acronym ("DVD") is not counted."""
    wanted = {w.lower() for w in words}
    if not wanted or question.isupper():
        return ()
    starts = {m.start(1) for m in _SENTENCE_START.finditer(question)}
    return tuple(
        m.group() for m in _WORD.finditer(question)
        if m.start() not in starts
        and m.group()[0].isupper()
        and not m.group().isupper()
        and m.group().lower() in wanted
        and m.group().lower() not in _CAPITALISED_COMMON_WORDS
    )


# A compound whose first part is the library ("kirjastokortti", "bibliotekskort") leans on that part: dropped
# whole, it takes the library out of the question and the match seemed to rest on it. It is measured against
# the library word alone, which keeps what the question shares with every statement.
_LIBRARY_COMPOUND = re.compile(r"(?i)^(kirjasto|bibliotek)s?(?=\w{3})")


def _drop_word(text: str, word: str) -> str:
    library = _LIBRARY_COMPOUND.match(word)
    kept = f" {library.group(1)} " if library else " "
    return " ".join(re.sub(rf"(?i)\b{re.escape(word)}\b", kept, text).split())
