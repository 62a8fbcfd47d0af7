"""Fitted files (the coverage model, the query adapter): read for the embedder they were fitted for, or not at all.

Similarities of another embedder mean something else, so a file fitted for one is not used with another; a
file that cannot be read is reported and answering goes on without it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Callable, Protocol, TypeVar

# What reading a damaged or foreign JSON or `.npz` file raises.
UNREADABLE = (OSError, ValueError, TypeError, KeyError, EOFError, zipfile.BadZipFile)


class Fitted(Protocol):
    embedder_id: str


F = TypeVar("F", bound=Fitted)


def load_fitted(
    load: Callable[[Path], F],
    path: Path,
    embedder_id: str,
    *,
    what: str,
    without_it: str,
    notify: Callable[[str], None] | None = None,
    missing_is_news: bool = True,
) -> F | None:
    """`load(path)` if it was fitted for `embedder_id`, else None. `notify` hears why it could not be read:
    "Warning: the {what} {path} could not be read (...); {without_it}." A missing file is news only when
    `missing_is_news` (the file is expected to be there)."""
    try:
        fitted = load(path)
    except UNREADABLE as exc:
        if notify is not None and (missing_is_news or not isinstance(exc, FileNotFoundError)):
            notify(f"Warning: the {what} {path} could not be read ({exc.__class__.__name__}: {exc}); {without_it}.")
        return None
    return fitted if fitted.embedder_id == embedder_id else None
