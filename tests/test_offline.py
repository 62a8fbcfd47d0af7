"""Nothing phones home: building the index and answering open no connection outside loopback."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    import network_guard
    network_guard.install()
    import atexit
    atexit.register(network_guard.report)
    from assistant.cli import main
    code = main(["--index", {index!r}, "index", "--rebuild"])
    code = code or main(["--index", {index!r}, "ask", "--json", "Myykö kirjasto kirjoja?"])
    code = code or main(["--index", {index!r}, "ask", "--json", "Does the library rent rooms for a year?"])
    raise SystemExit(code)
    """
)


def test_index_build_and_answering_open_no_outside_connection(tmp_path):
    report = tmp_path / "attempts.json"
    script = SCRIPT.format(tests=str(Path(__file__).parent), index=str(tmp_path / "index"))
    # A clean environment: the product itself must switch telemetry off, not the caller.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "GRADIO_", "ANONYMIZED_", "ORT_", "DO_NOT_TRACK", "OTEL_", "FASTAPI_OTEL"))}
    env["NETWORK_GUARD_REPORT"] = str(report)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text()) == []
    assert '"verdict": "no"' in done.stdout


def test_the_guard_itself_catches_an_outside_connection(tmp_path):
    report = tmp_path / "attempts.json"
    script = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import network_guard, socket, atexit;"
        "network_guard.install(); atexit.register(network_guard.report)\n"
        "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError:\n    pass\n"
    )
    env = dict(os.environ, NETWORK_GUARD_REPORT=str(report))
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=60)
    assert json.loads(report.read_text()) == ["connect 192.0.2.1:80"] or json.loads(report.read_text())[0].startswith("dns 192.0.2.1")


SERVE_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    import network_guard
    network_guard.install()
    import atexit
    atexit.register(network_guard.report)
    from assistant.cli import main
    raise SystemExit(main(["--index", {index!r}, "serve", "--host", "127.0.0.1", "--port", {port!r}]))
    """
)


def test_server_start_up_and_serving_open_no_outside_connection(e5_index_dir, tmp_path):
    """`library-assistant serve` under the guard: start-up, pages, the API and a widget event stay on loopback.

    The same run checks privacy: neither the question nor the client's address reaches the server's output.
    (Loading the UI in a real browser is covered by tests/test_browser.py: `Visit.close` asserts that every
    request the page made went to our own origin.)
    """
    import signal
    import time

    import httpx

    from fakes_web import free_port

    report = tmp_path / "attempts.json"
    port = free_port()
    script = SERVE_SCRIPT.format(tests=str(Path(__file__).parent), index=str(e5_index_dir), port=str(port))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "GRADIO_", "ANONYMIZED_", "ORT_", "DO_NOT_TRACK", "OTEL_", "FASTAPI_OTEL"))}
    env.update(NETWORK_GUARD_REPORT=str(report), LIBRARY_ASSISTANT_DATA=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-c", script], stdout=out, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        secret = "Myykö kirjasto kirjoja yksityinen-9c1e?"
        try:
            deadline = time.monotonic() + 180
            while True:
                assert server.poll() is None, log.read_text()
                try:
                    if httpx.get(url + "/healthz", timeout=2).json() == {"status": "ok"}:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
            assert httpx.get(url + "/", timeout=30).status_code == 200
            assert httpx.get(url + "/widget/", timeout=30).status_code == 200
            answer = httpx.post(url + "/api/ask", json={"question": secret}, timeout=30,
                                headers={"X-Forwarded-For": "198.51.100.23"})
            assert answer.status_code == 200 and answer.json()["question"] == secret
            event = httpx.post(url + "/widget/gradio_api/call/ask", json={"data": [secret]}, timeout=30).json()
            result = httpx.get(f"{url}/widget/gradio_api/call/ask/{event['event_id']}", timeout=30).text
            assert "event: complete" in result
            httpx.post(url + "/api/ask", json={"question": ["not text"]}, timeout=30)
        finally:
            # Two signals in quick succession, as `timeout` or a process manager signalling the whole group
            # after Ctrl+C sends them: still one clean shutdown, no traceback.
            server.send_signal(signal.SIGINT)
            time.sleep(0.05)
            with contextlib.suppress(ProcessLookupError):
                server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert json.loads(report.read_text()) == [], output
    assert "yksityinen" not in output and "198.51.100.23" not in output and "127.0.0.1:" not in output.replace(
        f"http://127.0.0.1:{port}", "")
    assert "Traceback" not in output
