"""The share of plan items that zxkb track finds reported or mentioned, for
every report of a type and region (default: the State Council's) whose
successor is stored, and a seeded sample of (plan item, evidence) pairs to
judge by reading.

    .venv/bin/python bench/track_share.py --db /tmp/corpus.db
    .venv/bin/python bench/track_share.py --db /tmp/corpus.db --sample 20 --seed 1

Not a test: it prints what a person reads and judges (README: How track matches).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from zxkb.api import KnowledgeBase
from zxkb.models import PlanItem, ReportFilter


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--type", default="government")
    ap.add_argument("--region", default="全国")
    ap.add_argument("--sample", type=int, default=0, help="pairs to print for judging")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with KnowledgeBase(args.db) as kb:
        docs = [
            d for d in kb.documents(where=ReportFilter(regions=(args.region,), types=(args.type,))) if d.copy_of is None
        ]
        rows: list[tuple[int, int, PlanItem, str, str]] = []
        total: Counter[str] = Counter()
        print("| year | doc | next | plan items | reported | mentioned | not_found | reported or mentioned |")
        print("|---|---|---|---|---|---|---|---|")
        for d in sorted(docs, key=lambda d: (d.year or 0, d.id)):
            result = kb.track(str(d.id))
            if result.next is None:
                continue
            counts = Counter(p.status for p in result.plans)
            total.update(counts)
            n = len(result.plans)
            share = (counts["reported"] + counts["mentioned"]) / n if n else 0.0
            print(
                f"| {d.year} | {d.id} | {result.next} | {n} | {counts['reported']} | {counts['mentioned']} |"
                f" {counts['not_found']} | {share:.0%} |"
            )
            for p in result.plans:
                if p.evidence:
                    plan = kb.show(p.ref, context=0).para.text
                    proof = kb.show(p.evidence[0].ref, context=0).para.text
                    rows.append((d.year or 0, result.next, p, plan, proof))
        n = sum(total.values())
        if n:
            print(f"\nall: {n} plan items, {(total['reported'] + total['mentioned']) / n:.0%} reported or mentioned,"
                  f" {total['reported'] / n:.0%} reported")  # fmt: skip
        for year, _, p, plan, proof in random.Random(args.seed).sample(rows, min(args.sample, len(rows))):
            e = p.evidence[0]
            print(f"\n## {year} {p.ref} {p.status} -> {e.ref} score {e.score} shared {' '.join(e.shared[:8])}")
            print(f"PLAN: {plan[:300]}")
            print(f"EVIDENCE: {proof[:400]}")


if __name__ == "__main__":
    main()
