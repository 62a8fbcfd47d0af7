"""The corpus: documents read from disk and cut into citable units.

A PDF extraction has hard line breaks inside sentences, blank lines between lines of one paragraph and
page-break artefacts (a line or heading that starts with a space). We never edit the file: every offset
points into the *whitespace-collapsed* text (each whitespace run becomes one space, ends stripped), and a
quote is always a slice of that text, so it is verbatim by construction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.modality import Modality, classify_unit, section_modality

CORPUS_SUFFIXES = (".txt", ".md")
# Files in corpus/ that describe the folder rather than belong to it.
NON_DOCUMENT_NAMES = frozenset({"readme.md", "readme.txt"})
MAX_QUOTE_CHARS = 400

_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*?)\s*:?\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"“(])")
_NEGATION = re.compile(r"\b(ei|eikä|eivät|en|et|emme|ette)\b", re.IGNORECASE)
_CONTRAST = re.compile(r",?\s+(?=vaan\s)")


@dataclass(frozen=True)
class Section:
    """A numbered section as printed ("2.4"), its heading and where its text lies."""

    id: str
    heading: str
    start: int
    end: int
    modality: Modality


@dataclass(frozen=True)
class Unit:
    """The smallest citable piece: a sentence, or a clause of one (split at `vaan`, or at `;` when long)."""

    id: str
    source: str
    section: str
    heading: str
    text: str
    start: int
    end: int
    modality: Modality
    negated: bool
    actors: str | None = None  # who does it instead (does_not) or with whom (with_partners), as printed
    sentence_start: int = 0
    sentence_end: int = 0
    paragraph_start: int = 0
    paragraph_end: int = 0


@dataclass(frozen=True)
class Document:
    """One corpus file: its raw text, the collapsed text every offset refers to, sections and units."""

    source: str
    raw: str
    text: str
    raw_offsets: tuple[int, ...] = field(repr=False)
    title: str
    sections: tuple[Section, ...]
    units: tuple[Unit, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a collapsed [start, end) span back to the raw file's character span."""
        return self.raw_offsets[start], self.raw_offsets[end - 1] + 1

    def paragraph_of(self, unit: Unit) -> str:
        return self.text[unit.paragraph_start : unit.paragraph_end]


@dataclass(frozen=True)
class Corpus:
    """All documents of the corpus folder, and a fingerprint that changes when any byte does."""

    documents: tuple[Document, ...]
    fingerprint: str

    @property
    def units(self) -> tuple[Unit, ...]:
        return tuple(u for d in self.documents for u in d.units)

    def document(self, source: str) -> Document:
        return next(d for d in self.documents if d.source == source)

    def unit(self, unit_id: str) -> Unit:
        return self._by_id()[unit_id]

    def sentence_units(self, unit: Unit) -> list[Unit]:
        """The units cut from the same sentence as `unit`, in document order."""
        return [u for u in self.document(unit.source).units if u.sentence_start == unit.sentence_start]

    def _by_id(self) -> dict[str, Unit]:
        cache = self.__dict__.get("_unit_index")
        if cache is None:
            cache = {u.id: u for u in self.units}
            object.__setattr__(self, "_unit_index", cache)
        return cache


class CorpusError(Exception):
    """The corpus folder cannot be read into documents (missing, empty, undecodable)."""


def collapse_whitespace(raw: str) -> tuple[str, tuple[int, ...]]:
    """Collapse whitespace runs to one space and strip; return the text and, per character, its raw index."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = -1
    for i, ch in enumerate(raw):
        if ch.isspace():
            if pending_space < 0:
                pending_space = i
            continue
        if pending_space >= 0 and chars:
            chars.append(" ")
            offsets.append(pending_space)
        pending_space = -1
        chars.append(ch)
        offsets.append(i)
    return "".join(chars), tuple(offsets)


def corpus_files(folder: Path) -> list[Path]:
    """The document files of a corpus folder, in a stable order."""
    if not folder.is_dir():
        raise CorpusError(f"corpus folder not found: {folder}")
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES and p.name.lower() not in NON_DOCUMENT_NAMES
    )
    if not files:
        raise CorpusError(f"no .txt or .md documents in {folder}")
    return files


def fingerprint_files(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def load_corpus(folder: Path) -> Corpus:
    """Read every document in the folder into sections and units."""
    files = corpus_files(folder)
    documents = []
    for path in files:
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(f"cannot read corpus file {path.name}: {exc}") from exc
        documents.append(parse_document(path.name, raw))
    return Corpus(documents=tuple(documents), fingerprint=fingerprint_files(files))


def document_slug(source: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", Path(source).stem.lower()).strip("-") or "doc"


# --- parsing ---------------------------------------------------------------------------------------


@dataclass
class _Line:
    raw_start: int
    raw_end: int
    text: str  # stripped


def _lines(raw: str) -> list[_Line]:
    lines = []
    pos = 0
    for piece in raw.splitlines(keepends=True):
        body = piece.rstrip("\r\n")
        lines.append(_Line(pos, pos + len(body), body.strip()))
        pos += len(piece)
    return lines


def _is_next_number(previous: str | None, candidate: str) -> bool:
    """A heading number must continue the outline: the next sibling, a first child, or an ancestor's sibling."""
    cand = [int(x) for x in candidate.split(".")]
    if previous is None:
        return all(x == 1 for x in cand[:-1]) and cand[-1] in (0, 1)
    prev = [int(x) for x in previous.split(".")]
    if cand == prev + [1]:
        return True
    for depth in range(len(prev), 0, -1):
        if cand == prev[: depth - 1] + [prev[depth - 1] + 1]:
            return True
    return False


def _find_headings(lines: list[_Line]) -> list[tuple[int, str, str]]:
    """(line index, number, heading text) for each numbered heading, artefacts (leading spaces) included."""
    found: list[tuple[int, str, str]] = []
    previous = None
    for i, line in enumerate(lines):
        if not line.text or len(line.text) > 120:
            continue
        m = _HEADING.match(line.text)
        if not m:
            continue
        number, title = m.group(1), m.group(2).strip()
        if not title[:1].isupper() or title.endswith((".", ",", ";")):
            continue
        if _is_next_number(previous, number):
            found.append((i, number, title.rstrip(": ")))
            previous = number
    return found


class _Collapser:
    """Maps raw offsets to collapsed offsets for one document."""

    def __init__(self, raw: str):
        self.text, self.offsets = collapse_whitespace(raw)
        self._raw_to_collapsed: dict[int, int] = {r: c for c, r in enumerate(self.offsets)}

    def span(self, raw_start: int, raw_end: int) -> tuple[int, int] | None:
        """The collapsed span covering the non-space characters of raw[raw_start:raw_end]."""
        starts = [
            self._raw_to_collapsed[i]
            for i in range(raw_start, raw_end)
            if i in self._raw_to_collapsed and not self.text[self._raw_to_collapsed[i]].isspace()
        ]
        if not starts:
            return None
        return min(starts), max(starts) + 1


def parse_document(source: str, raw: str) -> Document:
    """Cut one document's text into sections, paragraphs, sentences and clauses."""
    collapsed = _Collapser(raw)
    text = collapsed.text
    lines = _lines(raw)
    headings = _find_headings(lines)
    slug = document_slug(source)

    # Blocks: the preamble (title) before the first heading, then one block per heading.
    blocks: list[tuple[str, str, int, int]] = []  # (section id, heading, first body line, end line)
    first_heading_line = headings[0][0] if headings else len(lines)
    preamble = [ln.text for ln in lines[:first_heading_line] if ln.text]
    title = preamble[0].rstrip(": ") if preamble else Path(source).stem
    if preamble:
        blocks.append(("0", title, 0, first_heading_line))
    for n, (line_no, number, heading) in enumerate(headings):
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        blocks.append((number, heading, line_no + 1, end))

    sections: list[Section] = []
    units: list[Unit] = []
    for section_id, heading, first, end in blocks:
        body_lines = lines[first:end]
        span = _block_span(collapsed, body_lines)
        head_span = collapsed.span(lines[first - 1].raw_start, lines[first - 1].raw_end) if first else None
        start = head_span[0] if head_span else (span[0] if span else 0)
        stop = span[1] if span else (head_span[1] if head_span else start)
        prior = Modality.CONTEXT if section_id == "0" else section_modality(heading)
        sections.append(Section(section_id, heading, start, stop, prior))
        sentence_no = 0
        for p_start, p_end in _paragraphs(collapsed, body_lines):
            for s_start, s_end in _sentences(text, p_start, p_end):
                sentence_no += 1
                pieces = _clauses(text, s_start, s_end)
                for k, (c_start, c_end) in enumerate(pieces):
                    suffix = "abcdefghijklmnopqrstuvwxyz"[k] if len(pieces) > 1 else ""
                    clause = text[c_start:c_end]
                    modality, negated, actors = classify_unit(clause, prior, text[s_start:s_end])
                    units.append(
                        Unit(
                            id=f"{slug}#{section_id}-{sentence_no}{suffix}",
                            source=source,
                            section=section_id,
                            heading=heading,
                            text=clause,
                            start=c_start,
                            end=c_end,
                            modality=modality,
                            negated=negated,
                            actors=actors,
                            sentence_start=s_start,
                            sentence_end=s_end,
                            paragraph_start=p_start,
                            paragraph_end=p_end,
                        )
                    )
    return Document(
        source=source,
        raw=raw,
        text=text,
        raw_offsets=collapsed.offsets,
        title=title,
        sections=tuple(sections),
        units=tuple(units),
    )


def _block_span(collapsed: _Collapser, lines: list[_Line]) -> tuple[int, int] | None:
    spans = [s for ln in lines if ln.text and (s := collapsed.span(ln.raw_start, ln.raw_end))]
    return (spans[0][0], spans[-1][1]) if spans else None


def _paragraphs(collapsed: _Collapser, lines: list[_Line]) -> list[tuple[int, int]]:
    """Paragraph spans. A blank line ends a paragraph only after sentence-final punctuation: the PDF also puts
    blank lines between the lines of one sentence."""
    paragraphs: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    blank_since_text = False
    for line in lines:
        if not line.text:
            blank_since_text = current is not None
            continue
        span = collapsed.span(line.raw_start, line.raw_end)
        if span is None:
            continue
        ends_paragraph = current is not None and collapsed.text[current[1] - 1] in ".!?:"
        if current is not None and blank_since_text and ends_paragraph:
            paragraphs.append(current)
            current = None
        current = span if current is None else (current[0], span[1])
        blank_since_text = False
    if current is not None:
        paragraphs.append(current)
    return paragraphs


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return [(a, b) for a, b in spans if b > a]


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a negated sentence before `vaan` ("but instead"); split an over-long sentence at semicolons."""
    sentence = text[start:end]
    cuts: list[tuple[int, int]] = []
    if _NEGATION.search(sentence):
        m = next((m for m in _CONTRAST.finditer(sentence) if _NEGATION.search(sentence[: m.start()])), None)
        if m:
            cuts.append((start + m.start(), start + m.end()))
    if not cuts and end - start > MAX_QUOTE_CHARS:
        cuts = [(start + m.start(), start + m.end()) for m in re.finditer(r";\s*", sentence)]
    if not cuts:
        return [(start, end)]
    spans = []
    pos = start
    for cut_start, cut_end in cuts:
        spans.append((pos, cut_start))
        pos = cut_end
    spans.append((pos, end))
    return [(a, b) for a, b in spans if b > a]
