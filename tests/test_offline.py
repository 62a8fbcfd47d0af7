"""Nothing phones home: building the index and answering open no connection outside loopback."""

from __future__ import annotations

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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "GRADIO_", "ANONYMIZED_", "ORT_", "DO_NOT_TRACK"))}
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
