"""Results -> JSON, the documented contract (README, "JSON output"). Stdlib only.
Keys may be added, never renamed."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from zxkb.models import Hit, Paragraph, ReportFacts, SearchResult, Selection

if TYPE_CHECKING:  # the other commands' records: created when used (zxkb.models)
    from zxkb.models import (
        CompareResult,
        CompareSide,
        DocInfo,
        FacetResult,
        FuzzyResult,
        IngestReport,
        Outline,
        OutlineSection,
        ShowResult,
        TrackResult,
        TrendResult,
        UpgradeReport,
    )


def dump(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def dump_lines(objs: Iterable[Any]) -> None:
    write = sys.stdout.write
    for obj in objs:
        write(json.dumps(obj, ensure_ascii=False) + "\n")


def paragraph(p: Paragraph) -> dict[str, Any]:
    return {
        "ref": p.ref,
        "doc": p.doc,
        "doc_title": p.doc_title,
        "date": p.date,
        "section": p.section,
        "section_title": p.section_title,
        "paragraph": p.paragraph,
        "kind": p.kind,
        "title": p.title,
        "text": p.text,
        "page": p.page,
    }


def filters(chosen: Selection | None) -> dict[str, Any]:
    """The filters a result was read under, normalised (regions by their official names, --doc by ids)."""
    chosen = chosen or Selection(None)
    return {
        "doc": list(chosen.docs),
        "year": [list(span) for span in chosen.years],
        "region": list(chosen.regions),
        "type": list(chosen.types),
        "level": list(chosen.levels),
        "speaker": list(chosen.speakers),
        "copies": chosen.copies,
    }


def _report(facts: ReportFacts | None) -> dict[str, Any]:
    return {"year": facts.year, "region": facts.region, "type": facts.type} if facts else {}


def _hit(hit: Hit) -> dict[str, Any]:
    out = {
        **paragraph(hit.para),
        **_report(hit.report),
        "snippet": hit.snippet,
        "highlights": [list(span) for span in hit.highlights],
        "score": hit.score,
        "match": hit.match,
        "approximate": hit.approximate,
        "variant": hit.variant,
        "similarity": hit.similarity,
        "matched": None if hit.matched is None else list(hit.matched),
        "missing": None if hit.missing is None else list(hit.missing),
    }
    if hit.explain is not None:
        out["explain"] = dict(hit.explain)
    return out


def search(result: SearchResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "query": result.query,
        "total": result.total,
        "approximate": result.approximate,
        "filters": filters(result.filters),
        "partial": result.partial,
        "hits": [_hit(hit) for hit in result.hits],
    }
    if result.hints:
        out["hints"] = list(result.hints)
    if result.suggestions is not None:
        out["suggestions"] = [{"term": m.term, "score": m.score, "count": m.count} for m in result.suggestions]
    return out


def fuzzy(result: FuzzyResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "matches": [{"term": m.term, "score": m.score, "count": m.count, "docs": list(m.docs)} for m in result.matches],
    }


def _section(sec: OutlineSection) -> dict[str, Any]:
    return {
        "path": sec.path,
        "number": sec.number,
        "title": sec.title,
        "ref": sec.ref,
        "initiatives": [{"ref": i.ref, "title": i.title} for i in sec.initiatives],
        "children": [_section(child) for child in sec.children],
    }


def outline(outlines: list[Outline]) -> list[dict[str, Any]]:
    return [
        {
            "doc": {"id": o.doc_id, "title": o.doc_title, "date": o.date},
            "sections": [_section(s) for s in o.sections],
        }
        for o in outlines
    ]


def docs(infos: list[DocInfo]) -> list[dict[str, Any]]:
    sources: dict[int, list[dict[str, Any]]] = {}  # each report's copies, canonical first
    for d in sorted(infos, key=lambda d: d.copy_of is not None):
        sources.setdefault(d.copy_of or d.id, []).append({"doc": d.id, "source": d.source})
    return [
        {
            "id": d.id,
            "title": d.title,
            "subtitle": d.subtitle,
            "author": d.author,
            "date": d.date,
            "source": d.source,
            "paragraphs": d.paragraphs,
            "sections": d.sections,
            "year": d.year,
            "region": d.region,
            "pages": d.pages,
            "type": d.type,
            "level": d.level,
            "key": d.key,
            "meeting": d.meeting,
            "speaker": d.speaker,
            "speaker_role": d.speaker_role,
            "copy_of": d.copy_of,
            "copies": list(d.copies),
            "sources": sources.get(d.copy_of or d.id, []),
            "evidence": dict(d.evidence),
        }
        for d in infos
    ]


def show(result: ShowResult) -> dict[str, Any]:
    return {**paragraph(result.para), "context": [paragraph(p) for p in result.context]}


def export_line(p: Paragraph) -> dict[str, Any]:
    return {
        "ref": p.ref,
        "doc": p.doc,
        "section": p.section,
        "paragraph": p.paragraph,
        "kind": p.kind,
        "title": p.title,
        "text": p.text,
        "page": p.page,
    }


def upgrade(report: UpgradeReport) -> dict[str, Any]:
    return report._asdict()


def removed(infos: list[DocInfo]) -> dict[str, Any]:
    return {"removed": [{"doc": d.id, "title": d.title, "source": d.source} for d in infos]}


def ingest(report: IngestReport) -> dict[str, Any]:
    return {
        "ingested": list(report.ingested),
        "skipped": list(report.skipped),
        "errors": list(report.errors),
        "missing": list(report.missing),
    }


# --- across the archive ----------------------------------------------------------


def trend(result: TrendResult) -> dict[str, Any]:
    def count(c: Any) -> dict[str, Any]:
        out = {
            "term": c.term,
            "reports": c.reports,
            "paragraphs": c.paragraphs,
            "occurrences": c.occurrences,
            "per_10k": c.per_10k,
            "refs": list(c.refs),
        }
        if result.kwic:
            out["kwic"] = [line._asdict() for line in c.kwic]
        return out

    return {
        "terms": list(result.terms),
        "by": result.by,
        "filters": filters(result.filters),
        "buckets": [
            {
                "key": b.key,
                "label": b.label,
                "reports": b.reports,
                "chars": b.chars,
                "counts": [count(c) for c in b.counts],
            }
            for b in result.buckets
        ],
    }


def facets(result: FacetResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "by": result.by,
        "total": result.total,
        "filters": filters(result.filters),
        "buckets": [{"key": b.key, "label": b.label, "count": b.count} for b in result.buckets],
    }


def _side(side: CompareSide) -> dict[str, Any]:
    return {
        "docs": list(side.docs),
        "title": side.title,
        "paragraphs": side.paragraphs,
        "chars": side.chars,
        "filters": filters(side.filters),
    }


def compare(result: CompareResult) -> dict[str, Any]:
    def term(t: Any) -> dict[str, Any]:
        return {
            "term": t.term,
            "left": {"count": t.left_count, "occurrences": t.left_occurrences, "per_10k": t.left_per_10k},
            "right": {"count": t.right_count, "occurrences": t.right_occurrences, "per_10k": t.right_per_10k},
            "score": t.score,
        }

    return {
        "left": _side(result.left),
        "right": _side(result.right),
        "statistic": result.statistic,
        "terms": {name: [term(t) for t in getattr(result, name)] for name in ("rising", "falling", "new", "gone")},
        "initiatives": {
            "kept": [
                {
                    "left": k.left,
                    "right": k.right,
                    "similarity": k.similarity,
                    "kind": k.kind,
                    "left_title": result.titles.get(k.left, ""),
                    "right_title": result.titles.get(k.right, ""),
                }
                for k in result.kept
            ],
            "new": list(result.new_items),
            "dropped": list(result.dropped_items),
            "titles": {ref: result.titles.get(ref, "") for ref in (*result.new_items, *result.dropped_items)},
        }
        if result.paired
        else None,
    }


def track(result: TrackResult) -> dict[str, Any]:
    return {
        "doc": result.doc,
        "doc_title": result.doc_title,
        "next": result.next,
        "next_title": result.next_title,
        "expected": result.expected,
        "plan_sections": list(result.plan_sections),
        "review_sections": list(result.review_sections),
        "plans": [
            {
                "ref": p.ref,
                "title": p.title,
                "section": p.section,
                "status": p.status,
                "evidence": [{"ref": e.ref, "score": e.score, "shared": list(e.shared)} for e in p.evidence],
            }
            for p in result.plans
        ],
    }
