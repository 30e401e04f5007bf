"""Results -> CSV on stdout, for Excel and pandas (stdlib csv): one row per
bucket and term (zxkb trend --csv), or per occurrence with --kwic."""

from __future__ import annotations

import csv
import sys

from zxkb.models import TrendResult

TREND_COLUMNS = (
    "key",
    "label",
    "reports",
    "chars",
    "term",
    "term_reports",
    "paragraphs",
    "occurrences",
    "per_10k",
    "refs",
)
KWIC_COLUMNS = ("key", "term", "ref", "left", "match", "right")


def trend(result: TrendResult) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    if result.kwic:
        out.writerow(KWIC_COLUMNS)
        for b in result.buckets:
            for c in b.counts:
                out.writerows((b.key, c.term, line.ref, line.left, line.match, line.right) for line in c.kwic)
        return
    out.writerow(TREND_COLUMNS)
    for b in result.buckets:
        for c in b.counts:
            row = (b.key, b.label, b.reports, b.chars, c.term, c.reports, c.paragraphs, c.occurrences, c.per_10k)
            out.writerow((*row, " ".join(c.refs)))
