"""The web app: one FastAPI server with the JSON API, the Gradio staff view at `/` and the residents' widget.

    app = create_app(assistant, settings)   # any object with ask(question, history) -> Answer
    run_server(assistant, settings)         # serve it with uvicorn on 127.0.0.1:7860

Routes: `/` staff view, `/widget/` (Finnish), `/widget/sv/`, `/widget/en/` residents' widget,
`/embed-example` a host page embedding the widget, `POST /api/ask`, `POST /api/feedback`, `GET /healthz`,
`/docs` and `/openapi.json`. Nothing is fetched from another origin, by the server or by the browser.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.config import Settings, enforce_offline
from assistant.contract import LANGUAGES, Answer, InputError, Turn
from assistant.feedback import MAX_COMMENT_CHARS, FeedbackStore, feedback_failure_message
from assistant.health import CorpusWatch
from assistant.limits import AnswerTimeout, RateLimiter, RateLimitGuard, TimeLimitedAsk

if TYPE_CHECKING:
    import gradio as gr

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
CONCURRENCY_LIMIT = 16  # simultaneous askers per Gradio event; asking is thread-safe and takes ~10-20 ms
QUEUE_MAX_SIZE = 256  # waiting Gradio events per view before "queue full"
MAX_BODY_BYTES = 64 * 1024  # JSON API request bodies
KEEP_ALIVE_TIMEOUT_S = 5  # idle keep-alive connections are closed after this
GRACEFUL_SHUTDOWN_S = 5  # open connections get this long to finish when the server stops
MAX_CONNECTIONS = 512  # uvicorn answers 503 beyond this many connections and tasks at once
MAX_HISTORY_TURNS = 20
MAX_TURN_CHARS = 4000
API_PREFIX = "/api/"
WIDGET_PATHS = {"sv": "/widget/sv", "en": "/widget/en", "fi": "/widget"}  # most specific first


@runtime_checkable
class AnswersQuestions(Protocol):
    """What the web app needs from the core: answer one question in the context of earlier turns."""

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer: ...


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class ApiRequestGuard:
    """For the JSON API (pure ASGI): bodies must be JSON (else 415) and at most `max_bytes` long (else 413)."""

    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES, prefix: str = API_PREFIX):
        self.app, self.max_bytes, self.prefix = app, max_bytes, prefix

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        if scope["method"] in ("POST", "PUT", "PATCH"):
            content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if content_type != b"application/json":
                message = "Send the request body as JSON (Content-Type: application/json)."
                await _error(415, message)(scope, receive, send)
                return
        too_large = _error(413, f"Request body is larger than {self.max_bytes} bytes.")
        for name, value in headers.items():
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _error(400, "Invalid Content-Length header.")(scope, receive, send)
                    return
                if declared > self.max_bytes:
                    await too_large(scope, receive, send)
                    return
        # Read the whole (small) body here so a chunked upload cannot exceed the limit either.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _validation_message(errors: Sequence[dict], max_question_chars: int | None = None) -> tuple[int, str]:
    """A short message (without echoing the input) and status for request validation errors."""
    parts = []
    status = 422
    for error in errors[:5]:
        kind = error.get("type", "")
        if kind == "json_invalid":
            return 400, "The request body is not valid JSON."
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        if kind == "extra_forbidden":
            parts.append(f"{location}: unexpected field")
        elif kind == "missing":
            parts.append(f"{location}: required field is missing")
        elif kind == "string_too_long" and location == "question" and max_question_chars:
            parts.append(f"question: too long; please keep it under {max_question_chars} characters")
        else:
            parts.append(f"{location}: {error.get('msg', 'invalid value')}")
    return status, "Invalid request: " + "; ".join(parts)


class HistoryTurn(BaseModel):
    """An earlier chat message, oldest first."""

    model_config = ConfigDict(extra="forbid", strict=True)
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class AskRequest(BaseModel):
    """A question and, for a follow-up, the earlier turns (assistant turns may be left out)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"question": "Myykö kirjasto kirjoja?"},
                {
                    "question": "What about for children?",
                    "history": [{"role": "user", "content": "Does the library organise free events?"}],
                },
            ]
        },
    )
    question: str = Field(max_length=MAX_TURN_CHARS)
    history: list[HistoryTurn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)


class CitationOut(BaseModel):
    """A verbatim quote from the document: `quote == document[start:end]`."""

    model_config = ConfigDict(extra="forbid", strict=True)
    section: str
    heading: str
    quote: str
    source: str
    start: int
    end: int


class AnswerOut(BaseModel):
    """The answer contract (the CLI's JSON output)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    question: str
    language: Literal["fi", "sv", "en"]
    verdict: Literal["yes", "purchased", "partnership", "no", "developing", "not_covered"]
    answer: str
    referral: str | None
    citations: list[CitationOut]


class FeedbackRequest(BaseModel):
    """A rating of an answer that was shown (thumbs up or down), with an optional comment."""

    model_config = ConfigDict(extra="forbid", strict=True)
    question: str = Field(min_length=1, max_length=MAX_TURN_CHARS)
    history: list[HistoryTurn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    answer: AnswerOut
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_CHARS)


class FeedbackOut(BaseModel):
    id: int


class ErrorOut(BaseModel):
    error: str


class HealthOut(BaseModel):
    status: Literal["ok", "stale", "error"]
    detail: str | None = None




def _theme():
    import gradio as gr

    return gr.themes.Default(primary_hue="blue", neutral_hue="slate").set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        button_primary_text_color="white",
        button_primary_text_color_dark="white",
        button_secondary_text_color="*neutral_800",
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_300",
        link_text_color="*primary_700",
        link_text_color_dark="*primary_300",
    )


def _page_js(ui_dir: Path, lang: str, view: str) -> str:
    script = (ui_dir / "app.js").read_text(encoding="utf-8")
    return f"window.LIBRARY_ASSISTANT = {json.dumps({'lang': lang, 'view': view})};\n{script}"


def create_app(
    assistant: AnswersQuestions,
    settings: Settings | None = None,
    *,
    feedback: FeedbackStore | None = None,
) -> FastAPI:
    """Build the server: JSON API, health check, docs, embed example, and the Gradio views mounted in FastAPI."""
    enforce_offline()
    import gradio as gr

    from assistant.webui import build_staff_view, build_widget

    settings = settings or Settings.from_env()
    ui_dir = Path(settings.ui_dir)
    store = feedback if feedback is not None else FeedbackStore.in_folder(settings.data_dir)

    app = FastAPI(
        title="Helsinki City Library assistant",
        version="0.1.0",
        summary="Does Helsinki City Library do X? Verdicts with verbatim citations from its division-of-labour "
        "description.",
        docs_url=None,
        redoc_url=None,
        swagger_ui_parameters={"validatorUrl": None, "defaultModelsExpandDepth": 0},
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.assistant = assistant
    app.state.settings = settings
    app.state.feedback = store
    app.add_middleware(ApiRequestGuard, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(RateLimitGuard, limiter=RateLimiter.parse(settings.rate_limit))  # outermost: cheapest
    watch = CorpusWatch(settings.corpus_dir)
    app.state.corpus_watch = watch
    limited_ask = TimeLimitedAsk(assistant.ask, settings.answer_timeout_seconds)

    def ask(question: str, history: tuple[Turn, ...] = ()) -> Answer:
        """The assistant's answer within the time limit; only timing and verdict are logged by default."""
        started = time.perf_counter()
        answer = limited_ask(question, history)
        elapsed = (time.perf_counter() - started) * 1000
        if settings.log_questions:
            log.info("answered %r: %s in %.0f ms", question, answer.verdict, elapsed)
        else:
            log.debug("answered: %s in %.0f ms", answer.verdict, elapsed)
        return answer

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = _validation_message(exc.errors(), settings.max_question_chars)
        return _error(status, message)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    errors = {code: {"model": ErrorOut} for code in (400, 413, 415, 422, 429)}

    def to_turns(history: Sequence[Any]) -> tuple[Turn, ...]:
        return tuple(Turn(role=t.role, content=t.content) for t in history)

    @app.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut}}, tags=["service"])
    def healthz() -> JSONResponse:
        """Health check: "ok"; "stale" (503) when the corpus changed after start, "error" when it is unreadable."""
        status, detail = watch.status()
        body = {"status": status} if detail is None else {"status": status, "detail": detail}
        return JSONResponse(body, status_code=200 if status == "ok" else 503)

    @app.post("/api/ask", responses={200: {"model": AnswerOut}, 503: {"model": ErrorOut}, **errors},
              tags=["answers"])
    def api_ask(body: AskRequest) -> JSONResponse:
        """Answer one question; `history` holds the earlier turns of the conversation, oldest first."""
        try:
            answer = ask(body.question, to_turns(body.history))
        except InputError as error:
            return _error(422, str(error))
        except AnswerTimeout:
            log.warning("answering timed out in the JSON API")
            return _error(503, "The assistant took too long to answer. Please try again.")
        except Exception:
            log.exception("answering failed in the JSON API")
            return _error(503, "The assistant could not answer right now. Please try again.")
        return JSONResponse(answer.to_dict())

    @app.post("/api/feedback", status_code=201, response_model=FeedbackOut,
              responses={**errors, 503: {"model": ErrorOut}}, tags=["feedback"])
    def api_feedback(body: FeedbackRequest) -> Any:
        """Rate an answer that was shown (thumbs up or down) with an optional comment."""
        history = [{"role": t.role, "content": t.content} for t in body.history]
        try:
            feedback_id = store.add(body.question, history, body.answer.model_dump(), body.rating, body.comment,
                                    "api")
        except ValueError as error:
            return _error(422, str(error))
        except Exception as exc:
            log.exception("storing feedback failed")
            return _error(503, feedback_failure_message(exc))
        return JSONResponse({"id": feedback_id}, status_code=201)

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def api_not_found(rest: str) -> JSONResponse:
        if rest.strip("/") in ("ask", "feedback"):
            response = _error(405, "Method not allowed: use POST.")
            response.headers["Allow"] = "POST"
            return response
        return _error(404, "No such API endpoint. See /docs.")

    _add_docs(app)

    @app.get("/embed-example", response_class=HTMLResponse, include_in_schema=False)
    def embed_example(lang: str = "fi") -> HTMLResponse:
        """An example host page (a city web page) with the widget embedded in an iframe."""
        lang = lang if lang in LANGUAGES else "fi"
        page = (ui_dir / "embed-example.html").read_text(encoding="utf-8")
        page = page.replace("{{WIDGET_SRC}}", WIDGET_PATHS[lang] + "/").replace("{{LANG}}", lang)
        return HTMLResponse(page)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Any:
        icon = ui_dir / "icons" / "favicon.svg"
        return FileResponse(icon, media_type="image/svg+xml") if icon.is_file() else _error(404, "No icon.")

    app.mount("/ui", StaticFiles(directory=ui_dir, check_dir=False), name="ui")

    theme = _theme()
    blocks: dict[str, gr.Blocks] = {}
    mount_options = dict(
        footer_links=[],
        run_history=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        show_error=False,
        enable_monitoring=False,
        theme=theme,
    )
    for lang, path in WIDGET_PATHS.items():
        widget = build_widget(ask, store, settings.referral_url, ui_dir, lang)
        widget.queue(default_concurrency_limit=CONCURRENCY_LIMIT, max_size=QUEUE_MAX_SIZE)
        widget.state_session_capacity = settings.ui_sessions
        gr.mount_gradio_app(app, widget, path=path, css_paths=[ui_dir / "app.css", ui_dir / "widget.css"],
                            js=_page_js(ui_dir, lang, "widget"), **mount_options)
        blocks[f"widget-{lang}"] = widget
    staff = build_staff_view(ask, store, settings.referral_url, ui_dir)
    staff.queue(default_concurrency_limit=CONCURRENCY_LIMIT, max_size=QUEUE_MAX_SIZE)
    staff.state_session_capacity = settings.ui_sessions
    gr.mount_gradio_app(app, staff, path="/", css_paths=[ui_dir / "app.css", ui_dir / "staff.css"],
                        js=_page_js(ui_dir, "en", "staff"), **mount_options)
    blocks["staff"] = staff
    app.state.blocks = blocks
    return app


def _add_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc from local files (fastapi-offline ships them), never from a CDN."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    try:
        import fastapi_offline
    except ImportError:  # docs pages need the assets; the OpenAPI schema is still at /openapi.json
        return
    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            redoc_js_url="/docs-assets/redoc.standalone.js",
            redoc_favicon_url="/docs-assets/favicon.png",
            with_google_fonts=False,
        )


def run_server(
    assistant: AnswersQuestions,
    settings: Settings | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    log_level: str = "info",
) -> None:
    """Serve the web app with uvicorn until interrupted (no access log: client addresses stay out of logs)."""
    import uvicorn

    app = create_app(assistant, settings)
    print(f"Library assistant: staff view http://{host}:{port}/ · widget http://{host}:{port}/widget/ · "
          f"API docs http://{host}:{port}/docs", flush=True)
    _server_class(uvicorn)(server_config(app, host, port, log_level=log_level)).run()


def server_config(app, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, log_level: str = "info"):
    """uvicorn's settings: bounded keep-alive and connections, a graceful-shutdown limit, and no access log
    (client addresses stay out of logs)."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, access_log=False, log_level=log_level,
                          timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, timeout_keep_alive=KEEP_ALIVE_TIMEOUT_S,
                          limit_concurrency=MAX_CONNECTIONS)


def _server_class(uvicorn):
    class OneShutdownServer(uvicorn.Server):
        """uvicorn reads a second SIGINT as "force quit": it skips the app's shutdown and its lifespan task is
        cancelled, logged as an ERROR with a traceback. A signal to the whole process group right after Ctrl+C
        (`timeout`, process managers) does exactly that. Shutdown is bounded by the graceful timeout anyway,
        so a repeated signal only confirms the first."""

        def handle_exit(self, sig, frame) -> None:
            if not self.should_exit:
                super().handle_exit(sig, frame)

    return OneShutdownServer
