"""`library-assistant`: ask, chat, index, eval, serve and feedback from the command line.

Errors end with a one-line message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import queue
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence, TextIO

from assistant.config import Settings, enforce_offline
from assistant.contract import Answer, Citation, InputError, Turn
from assistant.conversation import as_turns
from assistant.verdict_words import verdict_headline

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe


class CLIError(Exception):
    """A failure with a message meant for the person at the terminal."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="library-assistant",
        description="Answers 'does Helsinki City Library do X?' from its division-of-labour description.",
    )
    parser.add_argument("--corpus", help="corpus folder (default: corpus/ of this checkout)")
    parser.add_argument("--index", help="index folder (default: index/ of this checkout)")
    parser.add_argument("--embedder", choices=["e5", "sentence-transformers"], help="embedding backend")
    parser.add_argument("--model-path", help="local model directory for the sentence-transformers backend")
    parser.add_argument("--chroma-host", help="use the Chroma server at this host instead of the embedded store")
    parser.add_argument("--chroma-port", type=int, help="port of the Chroma server (default 8000)")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer a question (or one per line with --jsonl)")
    ask.add_argument("question", nargs="?", help="the question; omit with --jsonl")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help='read questions from stdin, one per line (plain text, or {"question": ..., "history": [...]}); JSON lines out')

    sub.add_parser("chat", help="an interactive session; follow-up questions keep their context")

    index = sub.add_parser("index", help="build the index (only when missing or stale, unless --rebuild)")
    index.add_argument("--rebuild", action="store_true", help="rebuild even when the index is current")

    ev = sub.add_parser("eval", help="run the evaluation set and write a report")
    ev.add_argument("--set", dest="gold_set", help="gold set JSONL (default: evals/gold.jsonl)")
    ev.add_argument("--split", choices=["dev", "test", "all"], default="all")
    ev.add_argument("--report", help="HTML report path (default: evals/reports/report.html)")
    ev.add_argument("--json-out", help="also write the metrics as JSON here")
    ev.add_argument("--no-baseline", action="store_true", help="skip the naive baseline pipeline")
    ev.add_argument("--no-floors", action="store_true", help="do not fail below the metric floors")
    ev.add_argument(
        "--floor",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="change one floor, e.g. verdict_accuracy=0.9 or non_verbatim_quotes=0 (repeatable; "
        "defaults are issue 3's targets)",
    )

    serve = sub.add_parser("serve", help="run the web app (staff view, widget, JSON API)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)

    fb = sub.add_parser("feedback", help="export or delete collected feedback")
    fb_sub = fb.add_subparsers(dest="feedback_command", required=True)
    export = fb_sub.add_parser("export", help="write rated questions as JSONL in the eval-set format")
    export.add_argument("--out", help="output file (default: stdout)")
    delete = fb_sub.add_parser("delete", help="delete stored feedback (all, or older than --older-than DAYS)")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.add_argument("--older-than", type=_days, metavar="DAYS",
                        help="delete only feedback older than DAYS days (the retention period)")
    return parser


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"DAYS must be a number, not {text!r}") from None
    if days < 0 or days != days:
        raise argparse.ArgumentTypeError("DAYS must be zero or more")
    return days


def settings_from_args(args: argparse.Namespace) -> Settings:
    from pathlib import Path

    return Settings.from_env(
        corpus_dir=Path(args.corpus) if args.corpus else None,
        index_dir=Path(args.index) if args.index else None,
        embedder=args.embedder,
        model_path=Path(args.model_path) if args.model_path else None,
        chroma_host=args.chroma_host,
        chroma_port=args.chroma_port,
    )


def format_answer(answer: Answer) -> str:
    lines = [verdict_headline(answer.verdict, answer.language, answer.doubtful), "", answer.answer]
    if answer.referral_to_show:
        lines += ["", answer.referral_to_show]
    for n, c in enumerate(answer.citations, 1):
        lines += ["", f"[{n}] {_where(c)}", f"    \u201c{c.quote}\u201d"]
    if answer.closest is not None:
        c = answer.closest
        lines += ["", f"Closest statement (it may not answer the question): {_where(c)}", f"    \u201c{c.quote}\u201d"]
    return "\n".join(lines)


def _where(citation: Citation) -> str:
    return f"{citation.section} {citation.heading} ({citation.source}, chars {citation.start}-{citation.end})"


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)


def read_request_line(line: str) -> tuple[str, list[Turn]]:
    """One `ask --jsonl` input line as (question, history): plain question text, or a JSON object shaped like
    the API's request body, `{"question": ..., "history": [...]}`, so a follow-up can be batched with its turns.

    A line starting with "{" is always read as JSON: a malformed request gets an error, not an answer to its text.
    """
    if not line.lstrip().startswith("{"):
        return line, []
    try:
        request = json.loads(line)
    except ValueError as exc:
        raise InputError(f"the line starts with {{ but is not a JSON object: {exc.msg} (column {exc.colno})") from None
    if not isinstance(request, dict) or not isinstance(request.get("question"), str):
        raise InputError('a JSON line needs a "question" string, e.g. {"question": "Myykö kirjasto kirjoja?"}')
    history = request.get("history") or []
    if not isinstance(history, list):
        raise InputError('"history" must be a list of {"role": ..., "content": ...} turns, oldest first')
    return request["question"], as_turns(history)


def run_jsonl(assistant, stdin: TextIO, stdout: TextIO, workers: int | None = None) -> int:
    """One JSON object per input line, same order; a bad line gets an error object and the batch goes on.

    Questions are answered on a few threads (the embedding engine releases the GIL), with a bounded window
    of lines in flight: output stays in input order and a producer that waits for each answer still gets it.
    """
    binary = getattr(stdin, "buffer", None)
    lines = binary if binary is not None else io.BytesIO(stdin.read().encode("utf-8", "surrogateescape"))
    workers = workers or max(1, os.cpu_count() or 1)

    def answer_line(raw: bytes) -> dict:
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            return {"question": raw.decode("utf-8", "replace").rstrip("\r\n"), "error": "the line is not valid UTF-8"}
        question = line
        try:
            question, history = read_request_line(line)
            return assistant.ask(question, history).to_dict()
        except InputError as exc:
            return {"question": question, "error": str(exc)}

    def write(result: dict) -> None:
        stdout.write(_dump(result) + "\n")
        stdout.flush()

    if workers == 1:
        for raw in lines:
            write(answer_line(raw))
        return 0
    # The reader submits, a writer thread prints in input order as each answer completes: a producer that
    # waits for one answer before sending the next line is never left waiting. The bounded queue is the
    # backpressure that keeps a huge input from being read into memory all at once.
    pending: queue.Queue = queue.Queue(maxsize=2 * workers)
    failures: list[BaseException] = []

    def write_in_order() -> None:
        while (future := pending.get()) is not None:
            if failures:
                future.cancel()  # keep draining so the reader never blocks on a full queue
                continue
            try:
                write(future.result())
            except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread below
                failures.append(exc)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        writer = threading.Thread(target=write_in_order, name="jsonl-writer")
        writer.start()
        try:
            for raw in lines:
                if failures:
                    break
                pending.put(pool.submit(answer_line, raw))
        finally:
            pending.put(None)
            writer.join()
    if failures:
        raise failures[0]
    return 0


def run_chat(assistant, stdin: TextIO, stdout: TextIO) -> int:
    from assistant.contract import Turn

    history: list[Turn] = []
    stdout.write("Ask about Helsinki City Library's division of labour (fi/sv/en). Empty line or Ctrl-D ends.\n")
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line or not line.strip():
            stdout.write("\n")
            return 0
        try:
            answer = assistant.ask(line.strip(), history)
        except InputError as exc:
            stdout.write(f"{exc}\n")
            continue
        stdout.write(format_answer(answer) + "\n\n")
        history += [Turn("user", line.strip()), Turn("assistant", answer.answer)]


def main(argv: Sequence[str] | None = None) -> int:
    enforce_offline()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except CLIError as exc:
        print(f"library-assistant: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except InputError as exc:
        print(f"library-assistant: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("library-assistant: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head -3`): stop quietly, as other command-line tools do. Python would
        # complain once more when it flushes stdout at exit, so stdout is pointed at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # the last line of defence: a message, never a traceback
        from assistant.corpus import CorpusError
        from assistant.index import IndexUnavailable

        if isinstance(exc, (CorpusError, IndexUnavailable, OSError, ValueError)):
            print(f"library-assistant: {exc}", file=sys.stderr)
        else:
            print(f"library-assistant: unexpected error ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return EXIT_ERROR


def _is_utf8(text: str) -> bool:
    """False for command-line text that arrived as undecodable bytes (Python keeps them as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _dispatch(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if args.command == "ask":
        if args.jsonl and args.question:
            raise InputError("give either a question or --jsonl, not both")
        if not args.jsonl and args.question is None:
            raise InputError('give a question, e.g. library-assistant ask "Myykö kirjasto kirjoja?"')
        if args.question is not None and not _is_utf8(args.question):
            raise InputError("the question is not valid UTF-8 text")
        from assistant.chain import load_assistant

        assistant = load_assistant(settings)
        if args.jsonl:
            return run_jsonl(assistant, sys.stdin, sys.stdout)
        answer = assistant.ask(args.question)
        print(_dump(answer.to_dict()) if args.json else format_answer(answer))
        return 0
    if args.command == "chat":
        from assistant.chain import load_assistant

        return run_chat(load_assistant(settings), sys.stdin, sys.stdout)
    if args.command == "index":
        return _index(settings, args.rebuild)
    if args.command == "eval":
        from assistant.evaluation.runner import run_eval_command

        return run_eval_command(settings, args)
    if args.command == "serve":
        from assistant.chain import load_assistant
        from assistant.webapp import run_server

        assistant = load_assistant(settings)
        run_server(assistant, settings, host=args.host, port=args.port)
        return 0
    if args.command == "feedback":
        return _feedback(settings, args)
    raise CLIError(f"unknown command {args.command}")


def _index(settings: Settings, rebuild: bool) -> int:
    from assistant.aligned import load_alignment
    from assistant.chain import analyzers_for_languages, ensure_index
    from assistant.corpus import load_corpus
    from assistant.embeddings import create_embedder

    corpus = load_corpus(settings.corpus_dir)
    alignment = load_alignment(settings.corpus_dir, corpus)
    for warning in alignment.warnings():
        print(f"Warning: {warning}", file=sys.stderr)
    index = ensure_index(
        settings, corpus, alignment, create_embedder(settings), analyzers_for_languages(), rebuild=rebuild
    )
    m = index.manifest
    where = f"the Chroma server {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.index_dir
    print(f"Index ready in {where}: {m.units} units, {m.views} views, embedder {m.embedder_id}.")
    return 0


def _feedback(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(settings.data_dir / "feedback.sqlite3")
    if args.feedback_command == "export":
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                n = store.export_jsonl(fh)
            print(f"Wrote {n} rated question(s) to {args.out}.", file=sys.stderr)
        else:
            store.export_jsonl(sys.stdout)
        return 0
    what = "all feedback" if args.older_than is None else f"feedback older than {args.older_than:g} days"
    if not args.yes:
        if not sys.stdin.isatty():
            raise CLIError("refusing to delete feedback without --yes")
        if input(f"Delete {what} ({store.count()} rows stored)? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing deleted.", file=sys.stderr)
            return 0
    deleted = store.delete_all() if args.older_than is None else store.delete_older_than(args.older_than)
    print(f"Deleted {deleted} feedback row(s); {store.count()} kept.", file=sys.stderr)
    return 0
