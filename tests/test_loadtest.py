"""The load test's short version (8 clients, 5 s against a real server on loopback): zero errors, memory steady.

The full run (32 clients, 60 s) is `.venv/bin/python scripts/loadtest.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.model]

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "loadtest.py"


def test_quick_load_test_has_no_errors(e5_index_dir, tmp_path):
    out = tmp_path / "report.json"
    env = dict(os.environ, LIBRARY_ASSISTANT_INDEX=str(e5_index_dir), LIBRARY_ASSISTANT_DATA=str(tmp_path))
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json-out", str(out)], capture_output=True,
                          text=True, env=env, timeout=400)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(out.read_text())
    assert report["errors"] == 0 and report["api_count"] > 0 and report["widget_count"] > 0
    assert report["rss_growth"] < 0.10
    assert report["api_p95_ms"] > 0 and report["widget_p95_ms"] > 0
