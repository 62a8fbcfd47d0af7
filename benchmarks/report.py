"""The targets of issue 6, the summary rows (ours | naive | ratio | target | met?), the table and the JSON."""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Target:
    op: str  # "<=" or ">="
    value: float

    def met(self, measured: float | None) -> bool | None:
        if measured is None:
            return None
        return {"<=": operator.le, ">=": operator.ge}[self.op](measured, self.value)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    lower_is_better: bool = True
    target: Target | None = None


# Targets on a 2-core machine, from issue 6.
METRICS = (
    Metric("cold_start_s", "cold start: one `ask --json` (median)", "s", target=Target("<=", 1.5)),
    Metric("warm_p50_ms", "warm in-process ask, p50", "ms", target=Target("<=", 20)),
    Metric("warm_p95_ms", "warm in-process ask, p95", "ms", target=Target("<=", 50)),
    Metric("batch_500_s", "batch: 500 questions, one process", "s", target=Target("<=", 10)),
    Metric("index_build_s", "index build from scratch", "s", target=Target("<=", 10)),
    Metric("index_rebuild_after_edit_s", "index rebuild after a corpus edit", "s"),
    Metric("http_1_answers_per_s", "HTTP  1 client: answers/s", "1/s", lower_is_better=False),
    Metric("http_1_p95_ms", "HTTP  1 client: p95", "ms"),
    Metric("http_4_answers_per_s", "HTTP  4 clients: answers/s", "1/s", lower_is_better=False),
    Metric("http_4_p95_ms", "HTTP  4 clients: p95", "ms"),
    Metric("http_16_answers_per_s", "HTTP 16 clients: answers/s", "1/s", lower_is_better=False,
           target=Target(">=", 50)),
    Metric("http_16_p50_ms", "HTTP 16 clients: p50", "ms"),
    Metric("http_16_p95_ms", "HTTP 16 clients: p95", "ms", target=Target("<=", 300)),
    Metric("http_errors", "HTTP errors (all levels)", "count"),
    Metric("server_peak_rss_mb", "server peak memory (VmHWM)", "MB", target=Target("<=", 400)),
)


def ratio(metric: Metric, ours: float | None, naive: float | None) -> float | None:
    """How many times better ours is than the naive pipeline (>1: ours is better)."""
    if ours is None or naive is None or metric.unit == "count":
        return None
    better, worse = (naive, ours) if metric.lower_is_better else (ours, naive)
    return better / worse if worse else None


def rows(ours: dict, naive: dict) -> dict:
    """Every metric with both values, the ratio, its target and whether the target is met."""
    out = {}
    for m in METRICS:
        value, other = ours.get(m.key), naive.get(m.key)
        out[m.key] = {
            "label": m.label,
            "unit": m.unit,
            "ours": value,
            "naive": other,
            "ratio": ratio(m, value, other),
            "target": None if m.target is None else {"op": m.target.op, "value": m.target.value},
            "met": None if m.target is None else m.target.met(value),
        }
    return out


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if unit == "count":
        return f"{value:.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 10:
        return f"{value:.0f}x"
    return f"{value:.1f}x" if value >= 1 else f"{value:.2g}x"


def table(metric_rows: dict) -> str:
    """A plain-text table: metric | ours | naive | ratio | target | met?"""
    header = ("metric", "unit", "ours", "naive", "ratio", "target", "met?")
    lines = []
    for row in metric_rows.values():
        target = row["target"]
        met = {True: "yes", False: "NO", None: ""}[row["met"]]
        lines.append((
            row["label"], row["unit"], _fmt(row["ours"], row["unit"]), _fmt(row["naive"], row["unit"]),
            _fmt_ratio(row["ratio"]),
            "" if target is None else f"{target['op']} {target['value']:g}", met,
        ))
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    left = {0, 1}

    def fmt(r):
        return " | ".join(str(c).ljust(w) if i in left else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *(fmt(r) for r in lines)])


def write_json(result: dict, results_dir: Path = RESULTS_DIR) -> tuple[Path, Path]:
    """Write `latest.json` and a timestamped copy; return both paths."""
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(result, indent=1, ensure_ascii=False) + "\n"
    latest, stamped = results_dir / "latest.json", results_dir / f"{stamp}.json"
    stamped.write_text(text, encoding="utf-8")
    latest.write_text(text, encoding="utf-8")
    return latest, stamped
