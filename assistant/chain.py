"""The answering chain: prepare -> retrieve and decide -> write, and the Assistant that owns it.

No language model is involved: verdict and answer come from the retrieved evidence. `Assistant.chain` is
the same three steps as a LangChain Runnable (for composing, streaming, tracing); `Assistant.ask` calls
the steps directly, because importing LangChain's Runnable machinery alone takes about a second, longer
than a whole answer, and a one-off `library-assistant ask` should not pay it."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from assistant.aligned import Alignment, load_alignment
from assistant.compose import AnswerWriter
from assistant.config import Settings, enforce_offline
from assistant.contract import Answer, Turn
from assistant.conversation import (
    Context,
    as_turns,
    context_for,
    first_alternative,
    focus_question,
    normalise_question,
    split_message,
)
from assistant.corpus import Corpus, load_corpus
from assistant.coverage import CoverageModel, load_coverage_model
from assistant.index import (
    IndexUnavailable,
    LoadedIndex,
    build_index,
    expected_manifest_fields,
    load_index,
    print_progress,
    staleness,
)
from assistant.language import detect_language, looks_like_supported_language
from assistant.lexical import Analyzer, analysis_fingerprint
from assistant.overview import Category, category_asked, category_sections
from assistant.query_adapter import QueryAdapter, load_query_adapter
from assistant.retrieval import DEFAULT_WEIGHTS, Retrieval, RetrievalWeights, UnitRanker
from assistant.verdict import DEFAULT_POLICY, Decision, VerdictPolicy, decide, decide_category


_SWITCH_EVIDENCE = 2.0  # a follow-up needs a function word of another language to switch to it


@dataclass(frozen=True)
class Prepared:
    question: str  # as asked, cleaned
    focus: str  # the part that asks
    language: str
    context: Context | None
    supported: bool
    previous: str = ""  # the question of the last earlier user turn


@dataclass(frozen=True)
class Decided:
    prepared: Prepared
    retrieval: Retrieval | None  # what the answer comes from
    decision: Decision | None
    # When the answer comes from the question's first alternative: the retrieval of the whole question, which
    # the coverage model judged (and is fitted on).
    whole_question: Retrieval | None = None


class Assistant:
    """Answers questions about the corpus. Thread-safe: everything it holds is read-only after start."""

    def __init__(
        self,
        ranker: UnitRanker,
        writer: AnswerWriter,
        *,
        policy: VerdictPolicy = DEFAULT_POLICY,
        coverage: CoverageModel | None = None,
        max_question_chars: int = 500,
    ):
        self.ranker = ranker
        self.writer = writer
        self.policy = policy
        self.coverage = coverage
        self.max_question_chars = max_question_chars

    def with_adapter(self, adapter: QueryAdapter | None) -> "Assistant":
        """The same assistant comparing questions through another query adapter (fitting compares several)."""
        return Assistant(
            self.ranker.with_adapter(adapter), self.writer, policy=self.policy, coverage=self.coverage,
            max_question_chars=self.max_question_chars,
        )

    @functools.cached_property
    def chain(self):
        """The pipeline as a LangChain Runnable: input {"question": str, "history": [Turn, ...]}, output Answer."""
        from langchain_core.runnables import RunnableLambda

        return (
            RunnableLambda(self._prepare, name="prepare")
            | RunnableLambda(self._retrieve_and_decide, name="retrieve_and_decide")
            | RunnableLambda(self._write, name="write_answer")
        )

    def ask(self, question: str, history: Iterable[Turn | Mapping[str, object]] = ()) -> Answer:
        """Answer one question; earlier turns (oldest first) give a follow-up its context."""
        request = {"question": question, "history": as_turns(history)}
        return self._write(self._retrieve_and_decide(self._prepare(request)))

    def explain(self, question: str, history: Iterable[Turn | Mapping[str, object]] = ()) -> Decided:
        """The intermediate steps, for evaluation and debugging."""
        prepared = self._prepare({"question": question, "history": as_turns(history)})
        return self._retrieve_and_decide(prepared)

    def _prepare(self, request: dict) -> Prepared:
        question = normalise_question(request["question"], self.max_question_chars)
        history: list[Turn] = request["history"]
        earlier = [t.content for t in history if t.role == "user"]
        vocabularies = self.ranker.vocabularies
        fallback = detect_language(earlier[-1], vocabularies=vocabularies) if earlier else "fi"
        preamble, focus = split_message(question)
        return Prepared(
            question=question,
            focus=focus,
            # In a conversation, a follow-up without a function word ("online?", "e-kirjat?") keeps its
            # language: loanwords and shared words say little about which language someone is writing.
            language=detect_language(
                focus, fallback=fallback, vocabularies=vocabularies, min_evidence=_SWITCH_EVIDENCE if earlier else 0.0
            ),
            context=context_for(focus, history, preamble),
            supported=looks_like_supported_language(question),
            previous=focus_question(earlier[-1]) if earlier else "",
        )

    def _retrieve_and_decide(self, prepared: Prepared) -> Decided:
        if not prepared.supported:
            return Decided(prepared, None, None)
        context = prepared.context
        follows_category = bool(prepared.previous) and category_asked(prepared.previous, prepared.language) is not None
        category = category_asked(
            prepared.focus, prepared.language, in_conversation=context is not None, follows_category=follows_category
        )
        if category is not None:
            retrieval = self.ranker.rank(prepared.focus, prepared.language)
            return Decided(prepared, retrieval, decide_category(retrieval, category, self._sections_of(category)))
        retrieval = self.ranker.rank(
            prepared.focus,
            prepared.language,
            context.text if context else None,
            context_certain=context.certain if context else True,
        )
        decision = decide(retrieval, self.policy, self.coverage)
        # "Big collection or just bestsellers?": words of the second alternative the description never uses
        # made the whole question look not covered. Its first alternative, asked alone, may be answered.
        first = first_alternative(prepared.focus) if decision.verdict == "not_covered" and not context else None
        if first:
            alternative = self.ranker.rank(first, prepared.language)
            answered = decide(alternative, self.policy, self.coverage)
            if answered.verdict != "not_covered":
                return Decided(prepared, alternative, answered, whole_question=retrieval)
        return Decided(prepared, retrieval, decision)

    def _sections_of(self, category: Category) -> tuple[str, ...]:
        return category_sections(self.ranker.corpus, category)

    def _write(self, decided: Decided) -> Answer:
        if decided.decision is None:
            return self.writer.unsupported_language(decided.prepared.question)
        return self.writer.write(decided.prepared.question, decided.prepared.language, decided.decision)


Notify = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def analyzers_for_languages() -> dict[str, Analyzer]:
    return {lang: Analyzer(lang) for lang in ("fi", "sv", "en")}


def ensure_index(
    settings: Settings,
    corpus: Corpus,
    alignment: Alignment,
    embedder,
    analyzers: dict[str, Analyzer],
    *,
    rebuild: bool = False,
    notify: Notify = _stderr,
    progress=print_progress,
) -> LoadedIndex:
    """The index for this corpus and embedder, rebuilt (with a visible message) when missing or stale."""
    expected = expected_manifest_fields(corpus, alignment, embedder.id, analysis_fingerprint(analyzers))
    if settings.chroma_host:
        return _ensure_remote_index(settings, corpus, alignment, embedder, analyzers, expected, rebuild, notify, progress)
    reason = "rebuild requested" if rebuild else staleness(settings.index_dir, expected)
    if reason is None:
        try:
            return load_index(settings.index_dir)
        except IndexUnavailable as exc:
            reason = str(exc)
    notify(f"Building the index in {settings.index_dir} ({reason}) ...")
    manifest = build_index(settings.index_dir, corpus, alignment, embedder, analyzers, progress=progress)
    reused = f" ({manifest.reused_vectors} vectors reused from earlier builds)" if manifest.reused_vectors else ""
    notify(f"Index built: {manifest.units} units, {manifest.views} views{reused} in {manifest.build_seconds:.1f} s.")
    return load_index(settings.index_dir)


def _ensure_remote_index(settings, corpus, alignment, embedder, analyzers, expected, rebuild, notify, progress):
    from assistant import remote_index

    client = remote_index.http_client(settings.chroma_host, settings.chroma_port)
    location = f"chroma server {settings.chroma_host}:{settings.chroma_port}"
    reason = "rebuild requested" if rebuild else remote_index.remote_staleness(client, expected)
    if reason is not None:
        notify(f"Publishing the index to the {location} ({reason}) ...")
        manifest = remote_index.publish(client, location, corpus, alignment, embedder, analyzers, progress)
        notify(f"Index published: {manifest.units} units, {manifest.views} views in {manifest.build_seconds:.1f} s.")
    return remote_index.load_remote(client, corpus, analyzers)


def load_assistant(
    settings: Settings,
    *,
    embedder=None,
    weights: RetrievalWeights = DEFAULT_WEIGHTS,
    policy: VerdictPolicy = DEFAULT_POLICY,
    use_coverage_model: bool = True,
    use_query_adapter: bool = True,
    notify: Notify = _stderr,
    progress=print_progress,
) -> Assistant:
    """Read the corpus, make sure the index is current, and assemble the Assistant."""
    enforce_offline()
    corpus = load_corpus(settings.corpus_dir)
    alignment = load_alignment(settings.corpus_dir, corpus)
    for warning in alignment.warnings():
        notify(f"Warning: {warning}")
    if embedder is None:
        from assistant.embeddings import create_embedder

        embedder = create_embedder(settings)
    analyzers = analyzers_for_languages()
    index = ensure_index(settings, corpus, alignment, embedder, analyzers, notify=notify, progress=progress)
    adapter = load_query_adapter(embedder.id, notify=notify) if use_query_adapter else None
    ranker = UnitRanker(index, corpus, embedder, analyzers, weights, adapter)
    writer = AnswerWriter(corpus, alignment, settings.referral_url)
    # The fitted coverage model applies to the embedder it was fitted for; others use the rule gate.
    coverage = load_coverage_model(embedder.id, notify=notify) if use_coverage_model else None
    return Assistant(ranker, writer, policy=policy, coverage=coverage, max_question_chars=settings.max_question_chars)
