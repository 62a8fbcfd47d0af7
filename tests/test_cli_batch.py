"""`ask --jsonl` answers on several threads: order, interactive producers and failures, with a fake assistant."""

from __future__ import annotations

import io
import json
import threading
import time

import pytest

from assistant.cli import run_jsonl
from fakes_web import FakeAssistant


class SlowFirst(FakeAssistant):
    """Early questions take longest, so answers complete out of input order."""

    def ask(self, question, history=()):
        if question.startswith("Q"):
            time.sleep(max(0.0, 0.05 - 0.005 * int(question[1:].split()[0])))
        return super().ask(question, history)


class Stdin:
    def __init__(self, data):
        self.buffer = data


def test_batch_answers_in_input_order_on_several_threads():
    questions = [f"Q{i} Myykö kirjasto kirjoja?" for i in range(10)]
    out = io.StringIO()
    assert run_jsonl(SlowFirst(), Stdin(io.BytesIO("\n".join(questions).encode() + b"\n")), out, workers=3) == 0
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["question"] for a in answers] == questions
    assert {a["verdict"] for a in answers} == {"no"}


def test_a_producer_that_waits_for_each_answer_gets_it():
    written = threading.Semaphore(0)

    class Out(io.StringIO):
        def write(self, text):
            n = super().write(text)
            if text.endswith("\n"):
                written.release()
            return n

    def lines_sent_one_answer_at_a_time():
        for i in range(3):
            yield f"Myykö kirjasto kirjoja {i}?\n".encode()
            # A real producer (a pipe to another program) would block here until it reads the answer.
            assert written.acquire(timeout=10), "the answer to a line never came while its producer waited"

    out = Out()
    assert run_jsonl(FakeAssistant(), Stdin(lines_sent_one_answer_at_a_time()), out, workers=2) == 0
    assert len(out.getvalue().splitlines()) == 3


def test_an_unexpected_failure_stops_the_batch_and_is_raised_not_hung():
    lines = b"".join(f"Myykö kirjasto {i}?\n".encode() for i in range(3)) + b"explode\n" + "Myykö?\n".encode() * 50
    with pytest.raises(RuntimeError, match="simulated failure"):
        run_jsonl(FakeAssistant(), Stdin(io.BytesIO(lines)), io.StringIO(), workers=2)


def test_a_json_line_carries_a_follow_up_with_its_turns_and_plain_lines_stay_plain():
    lines = [
        "Myykö kirjasto kirjoja?",
        json.dumps({"question": "entä lapsille?",
                    "history": [{"role": "user", "content": "Järjestääkö kirjasto maksuttomia tapahtumia?"},
                                {"role": "assistant", "content": "Kyllä."}]}),
        json.dumps({"question": "Myykö kirjasto kirjoja?"}),
    ]
    assistant, out = FakeAssistant(), io.StringIO()
    assert run_jsonl(assistant, Stdin(io.BytesIO("\n".join(lines).encode() + b"\n")), out, workers=1) == 0
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["question"] for a in answers] == ["Myykö kirjasto kirjoja?", "entä lapsille?", "Myykö kirjasto kirjoja?"]
    assert [a["verdict"] for a in answers] == ["no", "yes", "no"]  # "entä lapsille?" alone is not covered
    follow_up = assistant.calls[1]
    assert [(t.role, t.content) for t in follow_up.history] == [
        ("user", "Järjestääkö kirjasto maksuttomia tapahtumia?"), ("assistant", "Kyllä.")]
    assert assistant.calls[0].history == () and assistant.calls[2].history == ()


@pytest.mark.parametrize("line,message", [
    ("{bad", "not a JSON object"),
    ('{"question": 3}', 'needs a "question" string'),
    ('["Myykö kirjasto kirjoja?"]', None),  # not starting with "{": a plain question, answered as written
    ('{"question": "x", "history": "earlier"}', '"history" must be a list'),
    ('{"question": "x", "history": [{"role": "bot", "content": "hi"}]}', "role of 'user' or 'assistant'"),
])
def test_a_malformed_json_line_gets_an_error_and_the_batch_goes_on(line, message):
    out = io.StringIO()
    data = (line + "\nMyykö kirjasto kirjoja?\n").encode()
    assert run_jsonl(FakeAssistant(), Stdin(io.BytesIO(data)), out, workers=2) == 0
    first, second = (json.loads(text) for text in out.getvalue().splitlines())
    if message is None:
        assert "error" not in first and first["question"] == line
    else:
        assert set(first) == {"question", "error"} and message in first["error"]
    assert second["verdict"] == "no"
