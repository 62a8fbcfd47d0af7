"""Print the retrieval features behind each answer of a gold split (a tuning aid; dev split only)."""

from __future__ import annotations

import argparse
import sys

from assistant.chain import load_assistant
from assistant.config import Settings
from assistant.evaluation.gold import load_gold


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev")
    parser.add_argument("--only-failures", action="store_true")
    parser.add_argument("questions", nargs="*")
    args = parser.parse_args()
    assistant = load_assistant(Settings.from_env())
    rows = [(None, q, []) for q in args.questions] or [(c, c.question, list(c.history)) for c in load_gold(split=args.split)]
    for case, question, history in rows:
        d = assistant.explain(question, history)
        r, dec = d.retrieval, d.decision
        verdict = dec.verdict if dec else "unsupported"
        ok = case is None or verdict in case.verdicts
        if args.only_failures and ok:
            continue
        gold = "/".join(case.verdicts) if case else "?"
        print(f"{'OK ' if ok else 'BAD'} {gold:>14} -> {verdict:<12} {d.prepared.language} words={r.content_words} unk={r.unknown_words} | {question}")
        print(f"      unknown-word support: {[(w, round(x, 4)) for w, x in r.unknown_word_support]}  reason: {dec.reason if dec else ''}")
        for e in r.ranked[:3]:
            print(f"      {e.score:.3f} d={e.dense:.3f} l={e.lexical:.2f} {e.unit.modality.value:<13} {e.unit.id.split('#')[1]:<6} {e.unit.text[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
