"""Is the running server still answering from the corpus it started with? (for /healthz and a warning log)"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from assistant.corpus import CorpusError, corpus_files, fingerprint_files

log = logging.getLogger(__name__)


class CorpusWatch:
    """Remembers the corpus fingerprint at start; `status()` says "ok", "stale" or "error" with a reason.

    Files are hashed again only when their size or modification time changed, so checking is cheap.
    """

    def __init__(self, corpus_dir: Path):
        self.corpus_dir = Path(corpus_dir)
        self._lock = threading.Lock()
        self._stat_key: tuple | None = None
        self._fingerprint: str | None = None
        self._warned = False
        try:
            self.baseline: str | None = self._current()
        except (CorpusError, OSError):
            self.baseline = None  # nothing to compare with (e.g. an assistant not built from this folder)

    def _current(self) -> str:
        files = corpus_files(self.corpus_dir)
        key = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)
        with self._lock:
            if key != self._stat_key:
                self._fingerprint, self._stat_key = fingerprint_files(files), key
            return self._fingerprint  # type: ignore[return-value]

    def status(self) -> tuple[str, str | None]:
        """("ok", None), ("stale", why) or ("error", why)."""
        if self.baseline is None:
            return "ok", None
        try:
            current = self._current()
        except (CorpusError, OSError) as exc:
            return self._report("error", f"the corpus cannot be read ({exc}); restart the server once it is fixed")
        if current != self.baseline:
            return self._report("stale", "the corpus changed since the server started: answers come from the old "
                                         "index until the server is restarted (it then rebuilds the index)")
        return "ok", None

    def _report(self, status: str, reason: str) -> tuple[str, str]:
        if not self._warned:
            self._warned = True
            log.warning("index %s: %s", status, reason)
        return status, reason
