"""Feedback on answers (thumbs up/down and an optional comment), stored in SQLite and exported for evaluators.

Only what evaluators need is kept: the question, the earlier turns, the answer that was shown, the rating,
the optional comment, which view it came from and when. No client address, no cookies, no user agent.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

RATINGS: tuple[str, ...] = ("up", "down")
VIEWS: tuple[str, ...] = ("staff", "widget", "api")
MAX_COMMENT_CHARS = 2000
MAX_TEXT_CHARS = 20_000
DEFAULT_FILENAME = "feedback.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    view TEXT NOT NULL,
    question TEXT NOT NULL,
    history TEXT NOT NULL,
    language TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT
)
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _turns(history: Iterable[Any]) -> list[dict[str, str]]:
    """Earlier turns as plain {"role", "content"} dicts, from `Turn` objects or mappings."""
    turns = []
    for turn in history or ():
        if isinstance(turn, Mapping):
            role, content = turn.get("role"), turn.get("content")
        else:
            role, content = getattr(turn, "role", None), getattr(turn, "content", None)
        if role not in ("user", "assistant") or not isinstance(content, str):
            raise ValueError("history turns need a role ('user' or 'assistant') and text content")
        turns.append({"role": role, "content": content[:MAX_TEXT_CHARS]})
    return turns


def _clean_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise ValueError("comment must be text")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValueError(f"comment is longer than {MAX_COMMENT_CHARS} characters")
    return comment or None


FEEDBACK_UNAVAILABLE = "Feedback could not be saved right now. Please try again."
FEEDBACK_DISK_FULL = (
    "Feedback could not be saved: the server's storage is full. Earlier feedback is kept; "
    "please tell the library's web team."
)


def feedback_failure_message(exc: BaseException) -> str:
    """What to tell the person when storing feedback failed (a full disk is worth saying)."""
    if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc).lower():
        return FEEDBACK_DISK_FULL
    return FEEDBACK_UNAVAILABLE


class FeedbackStore:
    """Thread-safe feedback store in one SQLite file (WAL mode, one transaction per write)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute(_SCHEMA)

    @classmethod
    def in_folder(cls, data_dir: str | Path) -> "FeedbackStore":
        """The store at its default file name inside `data_dir`."""
        return cls(Path(data_dir) / DEFAULT_FILENAME)

    def _write(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._conn.execute(sql, params)
                self._conn.execute("COMMIT")
            except BaseException:
                # SQLite already rolled back after some errors (a full disk): roll back only what is still open,
                # so the original error is the one reported.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            return cursor

    def add(
        self,
        question: str,
        history: Iterable[Any],
        answer_dict: Mapping[str, Any],
        rating: str,
        comment: str | None = None,
        view: str = "api",
    ) -> int:
        """Store one rating of one answer; returns its id."""
        if rating not in RATINGS:
            raise ValueError("rating must be 'up' or 'down'")
        if view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}")
        if not isinstance(question, str) or not question.strip():
            raise ValueError("question must be non-empty text")
        if not isinstance(answer_dict, Mapping):
            raise ValueError("answer must be the answer object that was shown")
        answer = dict(answer_dict)
        language = answer.get("language") if isinstance(answer.get("language"), str) else ""
        cursor = self._write(
            "INSERT INTO feedback (created_at, view, question, history, language, answer, rating, comment)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                view,
                question[:MAX_TEXT_CHARS],
                json.dumps(_turns(history), ensure_ascii=False),
                language,
                json.dumps(answer, ensure_ascii=False),
                rating,
                _clean_comment(comment),
            ),
        )
        return int(cursor.lastrowid)

    def update(self, feedback_id: int, *, rating: str | None = None, comment: str | None = None) -> bool:
        """Change the rating and/or comment of a stored entry; False when there is no such entry."""
        if rating is not None and rating not in RATINGS:
            raise ValueError("rating must be 'up' or 'down'")
        sets, params = [], []
        if rating is not None:
            sets.append("rating = ?")
            params.append(rating)
        if comment is not None:
            sets.append("comment = ?")
            params.append(_clean_comment(comment))
        if not sets:
            return self.get(feedback_id) is not None
        cursor = self._write(f"UPDATE feedback SET {', '.join(sets)} WHERE id = ?", (*params, int(feedback_id)))
        return cursor.rowcount > 0

    def get(self, feedback_id: int) -> dict[str, Any] | None:
        """One stored entry as a dict, or None."""
        rows = self._rows("WHERE id = ?", (int(feedback_id),))
        return rows[0] if rows else None

    def all(self) -> list[dict[str, Any]]:
        """Every stored entry, oldest first."""
        return self._rows("", ())

    def _rows(self, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._conn.execute(
                "SELECT id, created_at, view, question, history, language, answer, rating, comment"
                f" FROM feedback {where} ORDER BY id",
                params,
            )
            rows = cursor.fetchall()
        return [
            {
                "id": row[0],
                "created_at": row[1],
                "view": row[2],
                "question": row[3],
                "history": json.loads(row[4]),
                "language": row[5],
                "answer": json.loads(row[6]),
                "rating": row[7],
                "comment": row[8],
            }
            for row in rows
        ]

    def count(self) -> int:
        """How many entries are stored."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def delete_all(self) -> int:
        """Delete every entry; returns how many were deleted."""
        cursor = self._write("DELETE FROM feedback", ())
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cursor.rowcount

    def delete_older_than(self, days: float, now: datetime | None = None) -> int:
        """Delete entries created more than `days` days ago (the retention period); returns how many."""
        if days < 0:
            raise ValueError("days must be zero or more")
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
        cursor = self._write("DELETE FROM feedback WHERE created_at < ?", (cutoff.isoformat(timespec="seconds"),))
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cursor.rowcount

    def export_jsonl(self, file: str | Path | IO[str]) -> int:
        """Write the rated questions as eval-set cases (JSONL) to a path or text file; returns how many."""
        records = [eval_case(row) for row in self.all()]
        lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        if hasattr(file, "write"):
            file.write(lines)
        else:
            Path(file).write_text(lines, encoding="utf-8")
        return len(records)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def eval_case(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored entry in the eval-set format; a thumbs-down leaves verdicts and sections for evaluators to fill."""
    answer = row["answer"]
    liked = row["rating"] == "up"
    sections: list[str] = []
    if liked:
        for citation in answer.get("citations") or ():
            section = citation.get("section") if isinstance(citation, Mapping) else None
            if isinstance(section, str) and section not in sections:
                sections.append(section)
    verdict = answer.get("verdict")
    return {
        "id": f"feedback-{row['id']}",
        "question": row["question"],
        "history": row["history"],
        "language": row["language"],
        "verdicts": [verdict] if liked and isinstance(verdict, str) else [],
        "sections": sections,
        "evidence": [],
        "category": "feedback",
        "split": "dev",
        "rating": row["rating"],
        "comment": row["comment"],
        "created_at": row["created_at"],
        "view": row["view"],
        "answer": answer,
    }
