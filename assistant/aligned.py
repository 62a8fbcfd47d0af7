"""Aligned Swedish and English translations and per-unit questions, kept in `corpus/aligned/<stem>.yaml`.

Each entry is keyed by unit id and repeats the Finnish text it translates. When the Finnish source
changes, an entry whose `fi` no longer matches its unit is *stale*: it is reported and not used, so an
outdated translation can never stand in for text that is no longer there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus import Corpus

ALIGNED_FOLDER = "aligned"


@dataclass(frozen=True)
class AlignedUnit:
    unit_id: str
    text: dict[str, str]  # language -> translation ("fi" is the source itself)
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    actors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Alignment:
    units: dict[str, AlignedUnit]
    stale: tuple[str, ...]  # unit ids whose entry no longer matches the Finnish text
    missing: tuple[str, ...]  # unit ids with no entry at all
    fingerprint: str

    def translation(self, unit_id: str, language: str) -> str | None:
        entry = self.units.get(unit_id)
        return entry.text.get(language) if entry else None

    def actors(self, unit_id: str, language: str) -> str | None:
        entry = self.units.get(unit_id)
        return entry.actors.get(language) if entry else None

    def warnings(self) -> list[str]:
        out = []
        if self.stale:
            out.append(f"{len(self.stale)} aligned translation(s) are stale (the Finnish text changed): {_few(self.stale)}")
        if self.missing:
            out.append(f"{len(self.missing)} unit(s) have no aligned translation: {_few(self.missing)}")
        return out


def _few(ids: tuple[str, ...], shown: int = 3) -> str:
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


EMPTY_ALIGNMENT = Alignment(units={}, stale=(), missing=(), fingerprint="none")


def load_alignment(corpus_dir: Path, corpus: Corpus) -> Alignment:
    """Read every aligned file that belongs to a corpus document and check it against the units."""
    import yaml

    folder = corpus_dir / ALIGNED_FOLDER
    digest = hashlib.sha256()
    units: dict[str, AlignedUnit] = {}
    stale: list[str] = []
    by_id = {u.id: u for u in corpus.units}
    for document in corpus.documents:
        path = folder / (Path(document.source).stem + ".yaml")
        if not path.is_file():
            continue
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data)
        try:
            parsed = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML: {exc}") from exc
        for unit_id, entry in (parsed.get("units") or {}).items():
            unit = by_id.get(unit_id)
            if unit is None or not isinstance(entry, dict):
                continue
            if " ".join(str(entry.get("fi", "")).split()) != unit.text:
                stale.append(unit_id)
                continue
            text = {lang: " ".join(str(entry[lang]).split()) for lang in ("fi", "sv", "en") if entry.get(lang)}
            questions = {
                lang: tuple(" ".join(str(q).split()) for q in qs if q)
                for lang, qs in (entry.get("questions") or {}).items()
                if lang in ("fi", "sv", "en") and qs
            }
            actors = {lang: str(v) for lang, v in (entry.get("actors") or {}).items() if v}
            units[unit_id] = AlignedUnit(unit_id, text, questions, actors)
    missing = tuple(u.id for u in corpus.units if u.id not in units and u.id not in stale)
    return Alignment(units=units, stale=tuple(stale), missing=missing, fingerprint=digest.hexdigest())
