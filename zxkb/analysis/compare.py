"""Report against report (zxkb compare): the terms that rose, fell, appeared
and disappeared between two reports or two sets of reports, and, for two
reports, their sections and initiatives matched.

Terms. The candidates are the vocabulary's terms of the two sides
(zxkb.store.terms: each document's terms with their counts, nothing
segmented again) that are worth matching on (keyterms.usable). They are
ranked by the vocabulary's counts first, and the best CANDIDATES times the
limit of each list are then counted exactly through the index, as zxkb trend
and zxkb search count them: `count` is the body paragraphs holding the term
(what `zxkb search TERM --count-by doc` gives), occurrences are counted in the
folded text (zxkb.analysis.occurrences), and `per_10k` is occurrences per
10,000 characters of the side's body text. The statistic is Dunning's
log-likelihood G2 of the occurrences against the two sides' sizes in
characters (corpus linguistics' usual keyness; 3.84 is p < 0.05 with one
degree of freedom): rising and falling are the terms both sides have whose
rate went up or down with G2 >= MIN_G2, new and gone those only one side has
(also G2 >= MIN_G2). A term inside a longer one of the same list with the same
counts (产能 in 过剩产能) is left out.

Initiatives. Each report's sections (by their titles) and initiatives (body
paragraphs, without an address alone, the closing appeal or a line shorter
than plans.MIN_ITEM_CHARS) are weighted term sets (the vocabulary's terms in
their folded text, each weighing its specificity among the two reports'
paragraphs, a term of the title KEYTERMS_TITLE times); pairs of the same kind
are matched greedily, most similar first (cosine), each unit once: `kept`
from KEPT on, the others `new` in B or `dropped` from A. The pairs compared
are those of two reports only (a few hundred units), never the archive.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter as Tally
from collections.abc import Sequence

from zxkb import textnorm
from zxkb.analysis import keyterms, plans
from zxkb.analysis.occurrences import Counter
from zxkb.analysis.track import vocabulary
from zxkb.errors import UsageError
from zxkb.models import CompareResult, CompareSide, KeptItem, KeyTerm, ReportFilter, Selection
from zxkb.search.engine import choose
from zxkb.search.query import parse_query
from zxkb.store import stats, terms

STATISTIC = "log-likelihood G2"
MIN_G2 = 3.84
CANDIDATES = 2  # times the limit, per list, counted exactly
KEPT = 0.3
KEYTERMS_TITLE = 2.0
LISTS = ("rising", "falling", "new", "gone")


def g2(a: int, b: int, size_a: int, size_b: int) -> float:
    """Dunning's log-likelihood of a count `a` in `size_a` against `b` in `size_b`."""
    total = a + b
    if not total or not size_a or not size_b:
        return 0.0
    ea = size_a * total / (size_a + size_b)
    eb = size_b * total / (size_a + size_b)
    return 2 * ((a * math.log(a / ea) if a else 0.0) + (b * math.log(b / eb) if b else 0.0))


def _side(conn: sqlite3.Connection, where: ReportFilter, name: str) -> tuple[Selection, list[stats.Report]]:
    if not where.filtered:
        raise UsageError(
            f"side {name} names no report",
            f"give two documents (zxkb compare 2012 2022) or --{'left' if name == 'A' else 'right'}-year and the like",
        )
    chosen = choose(conn, where)
    reports = stats.reports(conn, chosen.doc_ids, copies=chosen.copies)
    return chosen, reports


def _list(a: int, b: int) -> str:
    """Which list a term with occurrences a (left) and b (right), in sides of equal rate, goes in."""
    return "new" if not a else "gone" if not b else "rising" if b > a else "falling"


def _vocab_counts(conn: sqlite3.Connection, reports: Sequence[stats.Report]) -> Tally[int]:
    out: Tally[int] = Tally()
    for r in reports:
        out.update(terms.document_terms(conn, r.id))
    return out


def _exact(
    conn: sqlite3.Connection, term: str, left: Sequence[stats.Report], right: Sequence[stats.Report]
) -> tuple[int, int, int, int]:
    """(paragraphs, occurrences) of `term` in the left side, then in the right side."""
    query = parse_query(f'"{term}"')
    counter = Counter(query.keys)
    side = {r.id: 0 for r in left} | {r.id: 1 for r in right}
    out = [0, 0, 0, 0]
    for hit in stats.hits(conn, query.match_expression(), [*left, *right], every=False):
        s = side.get(hit.doc)
        if s is not None:
            out[2 * s] += 1
            out[2 * s + 1] += counter.count(hit.text)
    return out[0], out[1], out[2], out[3]


def key_terms(
    conn: sqlite3.Connection, left: Sequence[stats.Report], right: Sequence[stats.Report], limit: int
) -> dict[str, list[KeyTerm]]:
    size_a, size_b = sum(r.chars for r in left), sum(r.chars for r in right)
    va, vb = _vocab_counts(conn, left), _vocab_counts(conn, right)
    names = stats.vocabulary(conn, va.keys() | vb.keys())
    first: dict[str, list[tuple[float, str]]] = {k: [] for k in LISTS}
    for term_id, (term, _) in names.items():
        if not keyterms.usable(term):
            continue
        a, b = va[term_id], vb[term_id]
        rate_a, rate_b = a / (size_a or 1), b / (size_b or 1)
        first[_list(a, b) if rate_a != rate_b or not (a and b) else "rising"].append((g2(a, b, size_a, size_b), term))
    candidates: set[str] = set()
    for ranked in first.values():
        ranked.sort(reverse=True)
        candidates.update(t for _, t in (ranked if not limit else ranked[: limit * CANDIDATES]))
    out: dict[str, list[KeyTerm]] = {k: [] for k in LISTS}
    for term in sorted(candidates):
        pa, oa, pb, ob = _exact(conn, term, left, right)
        if not oa and not ob:
            continue
        score = g2(oa, ob, size_a, size_b)
        rate_a, rate_b = oa / (size_a or 1), ob / (size_b or 1)
        if rate_a == rate_b or (oa and ob and score < MIN_G2):
            continue
        which = "new" if not oa else "gone" if not ob else "rising" if rate_b > rate_a else "falling"
        out[which].append(KeyTerm(term, pa, oa, _per_10k(oa, size_a), pb, ob, _per_10k(ob, size_b), round(score, 2)))
    for which, items in out.items():
        items.sort(key=lambda t: (-t.score, t.term))
        kept = [t for t in items if not _inside_same(t, items)]
        out[which] = kept[:limit] if limit else kept
    return out


def _per_10k(n: int, chars: int) -> float:
    return round(n * 10_000 / chars, 4) if chars else 0.0


def _inside_same(t: KeyTerm, items: Sequence[KeyTerm]) -> bool:
    """A term inside a longer one of the list that has the same counts."""
    return any(
        u.term != t.term
        and t.term in u.term
        and (u.left_occurrences, u.right_occurrences) == (t.left_occurrences, t.right_occurrences)
        for u in items
    )


# --- initiatives ----------------------------------------------------------------------


class _Unit:
    def __init__(self, ref: str, kind: str, title: str, text: str) -> None:
        self.ref, self.kind, self.title, self.text = ref, kind, title, text
        self.folded = textnorm.fold(text)
        self.terms: set[str] = set()
        self.title_terms: set[str] = set()
        self.weights: dict[str, float] = {}
        self.norm = 0.0


def _cosine(u: _Unit, v: _Unit) -> float:
    if not u.norm or not v.norm:
        return 0.0
    small, large = (u.weights, v.weights) if len(u.weights) < len(v.weights) else (v.weights, u.weights)
    return sum(w * large[t] for t, w in small.items() if t in large) / (u.norm * v.norm)


def _units(conn: sqlite3.Connection, doc_id: int) -> list[_Unit]:
    units = [
        _Unit(f"{doc_id}:{seq}", "section", title, title)
        for _, _, title, _, seq in stats.sections(conn, doc_id)
        if title.strip()
    ]
    for _, seq, _, title, text in stats.body_paragraphs(conn, doc_id):
        folded = textnorm.fold(text)
        if len(folded) < plans.MIN_ITEM_CHARS or plans.ADDRESS_ONLY.match(folded) or plans.APPEAL.match(text):
            continue
        units.append(_Unit(f"{doc_id}:{seq}", "initiative", title or "", text))
    return units


def initiatives(
    conn: sqlite3.Connection, a: stats.Report, b: stats.Report
) -> tuple[list[KeptItem], list[str], list[str], dict[str, str]]:
    """(kept pairs, new in b, dropped from a, the title of every unit named) of two reports."""
    vocab = vocabulary(conn, a.id, b.id)
    left, right = _units(conn, a.id), _units(conn, b.id)
    everyone = left + right
    df: Tally[str] = Tally()
    for u in everyone:
        u.terms = keyterms.terms_in(u.folded, vocab)
        u.title_terms = keyterms.terms_in(textnorm.fold(u.title), vocab)
        df.update(u.terms | u.title_terms)
    for u in everyone:
        u.weights = {
            t: keyterms.specificity(len(everyone), df[t]) * (KEYTERMS_TITLE if t in u.title_terms else 1.0)
            for t in u.terms | u.title_terms
        }
        u.norm = math.sqrt(sum(w * w for w in u.weights.values()))
    pairs = []
    holders: dict[tuple[str, str], list[int]] = {}
    for j, u in enumerate(right):
        for t in u.weights:
            holders.setdefault((u.kind, t), []).append(j)
    for i, u in enumerate(left):
        near = {j for t in u.weights for j in holders.get((u.kind, t), ())}
        for j in near:
            v = right[j]
            sim = 1.0 if u.folded == v.folded else _cosine(u, v)
            if sim >= KEPT:
                pairs.append((round(sim, 4), i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_l: set[int] = set()
    used_r: set[int] = set()
    kept = []
    for sim, i, j in pairs:
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        kept.append((i, j, sim))
    kept.sort()
    titles = {u.ref: u.title for u in everyone}
    return (
        [KeptItem(left[i].ref, right[j].ref, sim, left[i].kind) for i, j, sim in kept],
        [u.ref for j, u in enumerate(right) if j not in used_r],
        [u.ref for i, u in enumerate(left) if i not in used_l],
        titles,
    )


def _describe(chosen: Selection, reports: Sequence[stats.Report]) -> CompareSide:
    title = None
    if len(reports) == 1:
        r = reports[0]
        title = f"{r.title} ({r.year})" if r.year else r.title
    return CompareSide(
        chosen, tuple(r.id for r in reports), sum(r.paragraphs for r in reports), sum(r.chars for r in reports), title
    )


def compare(conn: sqlite3.Connection, left: ReportFilter, right: ReportFilter, *, limit: int = 20) -> CompareResult:
    if limit < 0:
        raise UsageError(f"--limit must be 0 or more, not {limit}", "e.g. --limit 20 (0 lists all)")
    chosen_a, a = _side(conn, left, "A")
    chosen_b, b = _side(conn, right, "B")
    lists = key_terms(conn, a, b, limit)
    kept: list[KeptItem] = []
    new: list[str] = []
    dropped: list[str] = []
    titles: dict[str, str] = {}
    if len(a) == 1 and len(b) == 1:
        kept, new, dropped, titles = initiatives(conn, a[0], b[0])
    return CompareResult(
        _describe(chosen_a, a),
        _describe(chosen_b, b),
        STATISTIC,
        tuple(lists["rising"]),
        tuple(lists["falling"]),
        tuple(lists["new"]),
        tuple(lists["gone"]),
        tuple(kept),
        tuple(new),
        tuple(dropped),
        titles,
        len(a) == 1 and len(b) == 1,
    )
