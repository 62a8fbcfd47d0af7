"""The CLI and its JSON contract, run as a person or an evaluator's script would: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.contract import LANGUAGES, VERDICTS

CONTRACT_KEYS = {"question", "language", "verdict", "answer", "referral", "citations"}
CITATION_KEYS = {"section", "heading", "quote", "source", "start", "end"}

pytestmark = pytest.mark.model


def run_cli(args, e5_index_dir, stdin: bytes | None = None, env_extra=None):
    env = dict(os.environ, LIBRARY_ASSISTANT_INDEX=str(e5_index_dir), **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, env=env, timeout=120
    )


def assert_contract(obj: dict, document_text: str) -> None:
    assert set(obj) == CONTRACT_KEYS
    assert obj["language"] in LANGUAGES and obj["verdict"] in VERDICTS
    assert isinstance(obj["answer"], str) and obj["answer"]
    assert obj["referral"] is None or isinstance(obj["referral"], str)
    for c in obj["citations"]:
        assert set(c) == CITATION_KEYS
        assert document_text[c["start"] : c["end"]] == c["quote"]
        assert len(c["quote"]) <= 400


def test_ask_json_prints_one_contract_object(e5_index_dir, document):
    done = run_cli(["ask", "--json", "Myykö kirjasto kirjoja?"], e5_index_dir)
    assert done.returncode == 0, done.stderr.decode()
    obj = json.loads(done.stdout)
    assert_contract(obj, document.text)
    assert obj["verdict"] == "no" and obj["language"] == "fi"
    assert "kirjamyyntiä" in obj["citations"][0]["quote"]


def test_ask_prints_a_human_readable_answer(e5_index_dir):
    done = run_cli(["ask", "Ostaako kirjasto esiintyjiä tilaisuuksiinsa?"], e5_index_dir)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    # The headline is in the language of the answer below it.
    assert out.startswith("OSTOPALVELU: kirjasto ostaa tämän palveluna")
    assert "[1] 2.2 Kirjasto ostaa palveluna" in out


def test_jsonl_answers_every_line_in_order_and_survives_bad_lines(e5_index_dir, document):
    lines = [
        "Does the library sell books?".encode(),
        b"",
        b"\xff\xfe not utf-8",
        "Hyr biblioteket ut sina lokaler för långvarig användning?".encode(),
        "   ".encode(),
    ]
    done = run_cli(["ask", "--jsonl"], e5_index_dir, stdin=b"\n".join(lines) + b"\n")
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == len(lines)
    assert out[0]["question"] == "Does the library sell books?"
    assert_contract(out[0], document.text)
    assert set(out[1]) == {"question", "error"} and out[1]["question"] == ""
    assert "UTF-8" in out[2]["error"]
    assert_contract(out[3], document.text)
    assert out[3]["language"] == "sv"
    assert "error" in out[4]


def test_errors_are_one_line_without_traceback(e5_index_dir, tmp_path):
    done = run_cli(["--corpus", str(tmp_path / "nowhere"), "ask", "Myykö kirjasto kirjoja?"], e5_index_dir)
    assert done.returncode != 0
    err = done.stderr.decode()
    assert "Traceback" not in err and "corpus folder not found" in err
    assert len(err.strip().splitlines()) == 1

    done = run_cli(["ask", "--json", "   "], e5_index_dir)
    assert done.returncode != 0 and "Traceback" not in done.stderr.decode()
    assert "Please type a question" in done.stderr.decode()


def test_module_and_console_script_are_the_same_command():
    from assistant import cli

    help_text = cli.build_parser().format_help()
    for command in ("ask", "chat", "index", "eval", "serve", "feedback"):
        assert command in help_text


def test_a_reader_that_stops_early_gets_no_error_message(e5_index_dir):
    """`library-assistant ask ... | head -1`: the closed pipe ends the command quietly, not with "Broken pipe"."""
    env = dict(os.environ, LIBRARY_ASSISTANT_INDEX=str(e5_index_dir))
    questions = "Myykö kirjasto kirjoja?\n" * 200
    process = subprocess.Popen([sys.executable, "-m", "assistant", "ask", "--jsonl"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    process.stdin.write(questions.encode())  # small enough for the pipe; 200 answers are not
    process.stdin.close()
    assert process.stdout.readline()
    process.stdout.close()  # like `head -1` exiting after the first line
    process.wait(timeout=120)
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.returncode == 141
    assert b"Broken pipe" not in stderr and b"Traceback" not in stderr and b"Exception ignored" not in stderr
