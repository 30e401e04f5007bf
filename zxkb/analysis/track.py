"""Plan against delivery (zxkb track): what a report of year N planned for the
year ahead, matched against what the next report from the same issuer says
was done.

The next report is the canonical copy of the report of the same type and
region delivered in year N+1 (zxkb.store.stats.successor). The plan and the
review are read by the rules of zxkb.analysis.plans. Each plan item is
matched through the index, not by reading the review against every item:

1. its key terms: the vocabulary's terms that both reports have
   (zxkb.analysis.keyterms, from their per-document term lists) and that occur
   in the item's folded text, with its numbers; the KEYS heaviest by weight
   (inverse document frequency over the knowledge base; a term of the item's
   title counts TITLE_BOOST times);
2. the candidate paragraphs: those of the next report's review whose folded
   text holds one of those terms. The review is one report's paragraphs,
   folded once; the index holds every character as a token, so its phrase
   query (the OR of the terms, restricted to the review's paragraph ids) finds
   exactly these, but at a cost that grows with the archive (53 ms a plan item
   at 1 GB, against well under 1 ms for reading the review);
3. each candidate's score: the weight of the key terms it holds over the
   weight of them all (0..1), and the terms it shares.

An item is `reported` when its best paragraph scores REPORTED or more and
shares at least MIN_SHARED terms, `mentioned` when one scores MENTIONED or
more (or shares a term of its title), else `not_found`. The evidence is the
best EVIDENCE paragraphs that score MENTIONED or more. bench/track_share.py
gives the share of items reported or mentioned for every State Council report
whose successor is stored, and the thresholds were set by reading pairs
(README: How track matches).
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter

from zxkb import textnorm
from zxkb.analysis import keyterms, plans
from zxkb.errors import NotFound, UsageError
from zxkb.models import Evidence, PlanItem, ReportFilter, TrackResult
from zxkb.search.engine import choose
from zxkb.store import stats, terms

TITLE_BOOST = 2.0
REPORTED_STRENGTH = 6.0
MENTIONED_STRENGTH = 4.5
REPORTED = 0.5  # the score of REPORTED_STRENGTH
MENTIONED = round(MENTIONED_STRENGTH / (MENTIONED_STRENGTH + REPORTED_STRENGTH), 4)  # 0.4286
EVIDENCE = 3


def _one_report(conn: sqlite3.Connection, doc: str) -> stats.Report:
    chosen = choose(conn, ReportFilter(docs=(doc,)))
    ids = list(chosen.doc_ids or ())
    if len(ids) != 1:
        shown = ", ".join(map(str, ids[:12])) + (" …" if len(ids) > 12 else "")
        raise UsageError(f"{doc!r} names {len(ids)} reports ({shown})", "name one by its id (zxkb docs lists them)")
    (report,) = stats.reports(conn, ids, copies=True)
    return report


def _read(conn: sqlite3.Connection, doc_id: int) -> tuple[list[plans.Section], list[plans.Item]]:
    items = [plans.Item(*row) for row in stats.body_paragraphs(conn, doc_id)]
    sections = []
    rows = stats.sections(conn, doc_id)
    tops = [path for path, _, _, level, _ in rows if level == 1]
    for path, number, title, level, heading_seq in rows:
        first = next(
            (i for i in items if i.seq >= heading_seq and plans.top(i.section, tops) == plans.top(path, tops)), None
        )
        opening = first.text if first and first.seq > heading_seq else (first.text[len(title) + 2 :] if first else "")
        sections.append(plans.Section(path, number, title, level, opening))
    return sections, items


def vocabulary(conn: sqlite3.Connection, a: int, b: int) -> frozenset[str]:
    """The terms either document has in the vocabulary, those worth matching on."""
    ids = set(terms.document_terms(conn, a)) | set(terms.document_terms(conn, b))
    return frozenset(term for term, _ in stats.vocabulary(conn, ids).values() if keyterms.usable(term))


def _keys(item: plans.Item, vocabulary: frozenset[str]) -> dict[str, float]:
    """The item's key terms, each with its weight in the plan: its specificity
    among the plan report's paragraphs, TITLE_BOOST times for a term of the
    item's title (filled in by track)."""
    folded = textnorm.fold(item.text)
    keys = dict.fromkeys(keyterms.terms_in(folded, vocabulary) | keyterms.numbers_in(folded), 1.0)
    for term in keyterms.terms_in(textnorm.fold(item.title or ""), vocabulary) & keys.keys():
        keys[term] = TITLE_BOOST
    return keys


def _ranked(keys: dict[str, float], held: dict[int, list[str]], paragraphs: int) -> list[tuple[float, int, list[str]]]:
    """(score, paragraph id, shared terms) of each candidate, best first. A key
    term weighs its weight in the plan times its specificity in the review
    (keyterms.specificity: a term every paragraph of the review has tells
    nothing about which one reports the item; every review paragraph with the
    term is a candidate, so `held` counts them). A paragraph's strength is the
    weight of the key terms it holds over the square root of the item's whole
    weight (a long item has more terms to share by chance); its score is
    strength / (strength + REPORTED_STRENGTH), so that REPORTED (0.5) is that
    strength."""
    present = Counter(k for shared in held.values() for k in shared)
    weight = {k: keys[k] * keyterms.specificity(paragraphs, n) for k, n in present.items()}
    size = math.sqrt(sum(keys.values())) or 1.0
    ranked = []
    for pid, shared in held.items():
        strength = sum(weight[k] for k in shared) / size
        score = round(strength / (strength + REPORTED_STRENGTH), 4)
        ranked.append((score, pid, sorted(shared, key=lambda k: (-weight[k], k))))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


def _status(score: float) -> str:
    return "reported" if score >= REPORTED else "mentioned" if score >= MENTIONED else "not_found"


def track(conn: sqlite3.Connection, doc: str, *, evidence: int = EVIDENCE) -> TrackResult:
    report = _one_report(conn, doc)
    if report.year is None or report.region is None:
        raise NotFound(
            f"report {report.id} has no known year or region: its successor cannot be told",
            "zxkb docs shows what each report is",
        )
    expected = f"{report.type}/{report.region}/{report.year + 1}"
    following = stats.successor(conn, report)
    if following is None:
        return TrackResult(report.id, None, (), report.title, None, expected=expected)
    (nxt,) = stats.reports(conn, [following])
    sections, items = _read(conn, report.id)
    kinds = plans.parts(sections, report.year)
    planned = plans.plan_items(items, kinds)
    next_sections, next_items = _read(conn, nxt.id)
    next_kinds = plans.parts(next_sections, nxt.year)
    review, found_in = plans.review_items(next_items, next_kinds)
    vocab = vocabulary(conn, report.id, nxt.id)
    plan_texts = [textnorm.fold(i.text) for i in items]
    in_plan: dict[str, float] = {}  # a term's specificity among the plan report's paragraphs
    by_pid = {i.pid: i for i in review}
    folded = {i.pid: textnorm.fold(i.text) for i in review}
    out = []
    for item in planned:
        keys = _keys(item, vocab)
        for k in keys:
            if k not in in_plan:
                in_plan[k] = keyterms.specificity(len(plan_texts), sum(1 for t in plan_texts if k in t))
            keys[k] *= in_plan[k]
        held = {}
        for pid, text in folded.items():
            shared = [k for k in keys if k in text]
            if shared:
                held[pid] = shared
        ranked = _ranked(keys, held, len(review))
        status = _status(ranked[0][0] if ranked else 0.0)
        proofs = tuple(
            Evidence(f"{nxt.id}:{by_pid[pid].seq}", score, tuple(keyterms.leading(shared)))
            for score, pid, shared in ranked[:evidence]
            if score >= MENTIONED
        )
        out.append(PlanItem(f"{report.id}:{item.seq}", item.title or "", item.section or "", status, proofs))
    review_paths = tuple(p for p, k in next_kinds.items() if k == "review") if found_in == "sections" else ()
    return TrackResult(
        report.id,
        nxt.id,
        tuple(out),
        report.title,
        nxt.title,
        tuple(p for p, k in kinds.items() if k == "plan"),
        review_paths,
        expected,
    )
