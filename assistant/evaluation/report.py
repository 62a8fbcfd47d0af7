"""Reports: a plain-text table for the terminal and a self-contained HTML file with SVG plots."""

from __future__ import annotations

import html
from typing import Mapping

from assistant.contract import VERDICTS
from assistant.evaluation.metrics import CaseResult, Summary, marked_uncertain, shows_closest

HEADLINE = (
    ("verdict_accuracy", "verdict accuracy"),
    ("precise_citations", "precise citations"),
    ("not_covered_precision", "not_covered precision"),
    ("not_covered_recall", "not_covered recall"),
    ("language_accuracy", "language accuracy"),
)


def pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def interval(summary: Summary, key: str) -> str:
    bounds = summary.intervals.get(key)
    return "" if bounds is None else f"{100 * bounds[0]:.1f}-{100 * bounds[1]:.1f}%"


def text_report(runs: Mapping[str, Summary], results: list[CaseResult], max_failures: int = 40) -> str:
    """Headline metrics per pipeline side by side, breakdowns for the first, its confusion matrix and failures."""
    names = list(runs)
    main = runs[names[0]]
    width = 24
    col = max(14, *(len(n) + 2 for n in names))
    ci = f"95% interval ({names[0]})"
    lines = [f"{'metric':<{width}}" + "".join(f"{n:>{col}}" for n in names) + f"  {ci}"]
    lines.append("-" * len(lines[0]))
    lines.append(f"{'cases':<{width}}" + "".join(f"{runs[n].n:>{col}}" for n in names))
    for key, label in HEADLINE:
        lines.append(f"{label:<{width}}" + "".join(f"{pct(getattr(runs[n], key)):>{col}}" for n in names)
                     + f"  {interval(main, key)}")
    lines.append(f"{'non-verbatim quotes':<{width}}" + "".join(f"{runs[n].non_verbatim_quotes:>{col}}" for n in names))
    # How well the "may not answer exactly this" sentence picks out wrong answers: of those it marks, how many are.
    uncertain = [r for r in results if marked_uncertain(r.answer)]
    wrong = sum(not r.verdict_ok for r in uncertain)
    lines.append(f"{'marked uncertain':<{width}}{len(uncertain):>{col}}  of which {wrong} with a wrong verdict ({names[0]})")
    # ... and how often a "not covered" shown with the closest statement is a question the document does answer.
    closest = [r for r in results if shows_closest(r.answer)]
    answered = sum(not r.verdict_ok for r in closest)
    lines.append(f"{'not covered (unsure)':<{width}}{len(closest):>{col}}  closest statement shown; of which {answered} the document answers ({names[0]})")
    for title, table in (("language", "by_language"), ("category", "by_category")):
        lines += ["", f"{'by ' + title:<{width}}{'n':>5}" + "".join(f"{n + ' verdict':>{len(n) + 10}}{n + ' cite':>{len(n) + 8}}" for n in names)]
        for group, row in getattr(main, table).items():
            cells = ""
            for n in names:
                other = getattr(runs[n], table).get(group, {})
                cells += f"{pct(other.get('verdict_accuracy')):>{len(n) + 10}}{pct(other.get('precise_citations')):>{len(n) + 8}}"
            lines.append(f"{group:<{width}}{row['n']:>5}{cells}")
    lines += ["", f"confusion matrix of {names[0]} (rows: gold, columns: predicted)"]
    lines.append(f"{'':<14}" + "".join(f"{v[:11]:>12}" for v in VERDICTS))
    for gold in VERDICTS:
        lines.append(f"{gold:<14}" + "".join(f"{main.confusion[gold][p]:>12}" for p in VERDICTS))
    failed = [r for r in results if r.reasons]
    lines += ["", f"failures of {names[0]}: {len(failed)}"]
    for r in failed[:max_failures]:
        lines.append(f"  {r.case.id} [{r.case.language}/{r.case.category}] {r.case.question!r}: " + "; ".join(r.reasons))
    if len(failed) > max_failures:
        lines.append(f"  ... and {len(failed) - max_failures} more (all of them are in the HTML report)")
    return "\n".join(lines)


def _heatmap(confusion: Mapping[str, Mapping[str, int]]) -> str:
    cell, left, top = 64, 110, 90
    size_w, size_h = left + cell * len(VERDICTS) + 10, top + cell * len(VERDICTS) + 10
    peak = max((v for row in confusion.values() for v in row.values()), default=1) or 1
    parts = [f'<svg role="img" aria-label="Confusion matrix" width="{size_w}" height="{size_h}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">']
    for j, p in enumerate(VERDICTS):
        x = left + j * cell + cell / 2
        parts.append(f'<text x="{x}" y="{top - 8}" text-anchor="start" transform="rotate(-40 {x} {top - 8})">{p}</text>')
    for i, g in enumerate(VERDICTS):
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end">{g}</text>')
        for j, p in enumerate(VERDICTS):
            value = confusion[g][p]
            shade = int(255 - 200 * value / peak)
            fill = f"rgb({shade},{shade},255)" if i != j else f"rgb({shade},255,{shade})"
            colour = "#000" if shade > 120 else "#fff"
            parts.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}"/>')
            parts.append(f'<text x="{left + j * cell + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" fill="{colour}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _bars(runs: Mapping[str, Summary], table: str) -> str:
    names = list(runs)
    groups = list(getattr(runs[names[0]], table))
    colours = ["#1f5fa8", "#b0b0b0", "#d08a00"]
    row_h, bar_h, left, width = 18 * len(names) + 10, 16, 150, 420
    height = row_h * len(groups) + 30
    parts = [f'<svg role="img" aria-label="Verdict accuracy {table}" width="{left + width + 80}" height="{height}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">']
    for i, group in enumerate(groups):
        y0 = 10 + i * row_h
        parts.append(f'<text x="{left - 6}" y="{y0 + bar_h}" text-anchor="end">{html.escape(group)}</text>')
        for k, n in enumerate(names):
            value = getattr(runs[n], table).get(group, {}).get("verdict_accuracy") or 0.0
            y = y0 + k * 18
            parts.append(f'<rect x="{left}" y="{y}" width="{width * value:.1f}" height="{bar_h}" fill="{colours[k % 3]}"/>')
            parts.append(f'<text x="{left + width * value + 4:.1f}" y="{y + 12}">{100 * value:.0f}% {html.escape(n)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_report(title: str, runs: Mapping[str, Summary], results: list[CaseResult], meta: Mapping[str, str]) -> str:
    names = list(runs)
    main = runs[names[0]]
    e = html.escape
    rows = "".join(
        f"<tr><th scope='row'>{label}</th>" + "".join(f"<td>{pct(getattr(runs[n], key))}</td>" for n in names)
        + f"<td>{interval(main, key)}</td></tr>"
        for key, label in HEADLINE
    )
    rows += "<tr><th scope='row'>non-verbatim quotes</th>" + "".join(f"<td>{runs[n].non_verbatim_quotes}</td>" for n in names) + "</tr>"
    breakdown = ""
    for title_, table in (("Per language", "by_language"), ("Per category", "by_category")):
        body = "".join(
            f"<tr><th scope='row'>{e(g)}</th><td>{row['n']}</td>"
            + "".join(
                f"<td>{pct(getattr(runs[n], table).get(g, {}).get('verdict_accuracy'))}</td>"
                f"<td>{pct(getattr(runs[n], table).get(g, {}).get('precise_citations'))}</td>"
                for n in names
            )
            + "</tr>"
            for g, row in getattr(main, table).items()
        )
        head = "".join(f"<th>{e(n)} verdict</th><th>{e(n)} citations</th>" for n in names)
        breakdown += f"<h2>{title_}</h2><table><tr><th></th><th>n</th>{head}</tr>{body}</table>{_bars(runs, table)}"
    failures = "".join(
        f"<tr><td>{e(r.case.id)}</td><td lang='{e(r.case.language)}'>{e(r.case.question)}</td><td>{e(r.case.category)}</td>"
        f"<td>{e('/'.join(r.case.verdicts))}</td><td>{e(r.answer['verdict'])}</td><td>{e('; '.join(r.reasons))}</td>"
        f"<td lang='fi'>{e(r.answer['citations'][0]['quote'][:160]) if r.answer['citations'] else ''}</td></tr>"
        for r in results
        if r.reasons
    )
    meta_rows = "".join(f"<tr><th scope='row'>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in meta.items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#111}}table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}</style></head>
<body><h1>{e(title)}</h1><table>{meta_rows}</table>
<h2>Headline</h2><table><tr><th>metric</th>{''.join(f'<th>{e(n)}</th>' for n in names)}<th>95% interval ({e(names[0])})</th></tr>{rows}</table>
<p>The interval (Wilson score) is where the true rate plausibly lies given this many cases: a difference smaller
than the interval's width may be chance.</p>
<h2>Verdict confusion matrix ({e(names[0])}; rows gold, columns predicted)</h2>{_heatmap(main.confusion)}
{breakdown}
<h2>Failures of {e(names[0])} ({sum(1 for r in results if r.reasons)})</h2>
<table><tr><th>id</th><th>question</th><th>category</th><th>gold</th><th>predicted</th><th>why</th><th>first quote</th></tr>{failures}</table>
</body></html>"""
