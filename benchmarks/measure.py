"""Small measuring helpers: percentiles, timed subprocesses, machine load, peak memory from /proc."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "library-assistant")


ENV_NOTED = ("PYTHONDONTWRITEBYTECODE", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONOPTIMIZE")


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), linearly interpolated between the closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> dict:
    """Count, p50, p95, p99, mean, min and max of a list of samples (same unit in, same unit out)."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "mean": sum(values) / len(values),
        "min": min(values),
        "max": max(values),
    }


@dataclass
class TimedRun:
    seconds: float
    returncode: int
    stdout: str
    stderr: str


def timed_run(argv: Sequence[str], *, env: dict, stdin: str | None = None, timeout: float = 300) -> TimedRun:
    """Run a command to completion in a fresh process; wall time from spawn to exit."""
    started = time.perf_counter()
    proc = subprocess.run(
        list(argv), input=stdin, capture_output=True, text=True, encoding="utf-8", env=env,
        cwd=PROJECT_ROOT, timeout=timeout,
    )
    return TimedRun(time.perf_counter() - started, proc.returncode, proc.stdout, proc.stderr)


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages (what `uptime` shows)."""
    return [round(x, 2) for x in os.getloadavg()]


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat (iowait counts as idle)."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def cpu_busy(interval: float = 2.0) -> float:
    """Fraction (0-1) of the machine's CPU time that was busy over the next `interval` seconds."""
    busy0, total0 = _cpu_ticks()
    time.sleep(interval)
    busy1, total1 = _cpu_ticks()
    return (busy1 - busy0) / max(total1 - total0, 1)


def wait_until_quiet(max_busy: float, max_wait_s: float, interval: float = 2.0) -> dict:
    """Wait (at most `max_wait_s`) until other work leaves the CPUs at most `max_busy` busy."""
    started = time.perf_counter()
    busy = cpu_busy(interval)
    while busy > max_busy and time.perf_counter() - started < max_wait_s:
        busy = cpu_busy(interval)
    return {"waited_s": round(time.perf_counter() - started, 1), "cpu_busy": round(busy, 3),
            "quiet": busy <= max_busy}


def proc_status_kib(pid: int, field: str) -> int | None:
    """A `kB` field of /proc/PID/status (VmHWM = peak resident set, VmRSS = current), or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (/proc/PID/stat), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def own_peak_rss_mb() -> float | None:
    kib = proc_status_kib(os.getpid(), "VmHWM")
    return None if kib is None else kib / 1024


def machine() -> dict:
    """What the numbers were measured on."""
    info = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": load_average(),
        "environment": {k: os.environ[k] for k in ENV_NOTED if k in os.environ},
    }
    try:
        info["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=10
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "diff", "--name-only", "HEAD"], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=10
        ).stdout.split()
        info["uncommitted_changes"] = changed
    except (OSError, subprocess.SubprocessError):
        pass
    return info
