"""Each tool's answer as short plain text, for a model to read: drawn from the
same JSON object the tool returns as structured content (so the two never
disagree), one line of citation per hit (ref first, then document title, date
and section path), and a note saying so when an answer was cut. No Rich: report
text keeps its own characters, control characters shown escaped
(zxkb.render.safe)."""

from __future__ import annotations

from typing import Any

from zxkb.render.safe import printable

Obj = dict[str, Any]


def citation(p: Obj) -> str:
    """`[1:45] 株洲市政协…工作报告 (2020-01-06) · 二(一) 立足基本职能… · ¶45`, with ` · p. 3` for a PDF's page."""
    parts = [f"[{p['ref']}] {p['doc_title']}" + (f" ({p['date']})" if p.get("date") else "")]
    if p.get("section"):
        parts.append(p["section"] + (f" {p['section_title']}" if p.get("section_title") else ""))
    parts.append(f"¶{p['paragraph']}")
    if p.get("page") is not None:
        parts.append(f"p. {p['page']}")
    return printable(" · ".join(parts))


def _highlighted(snippet: str, spans: list[list[int]]) -> str:
    out, at = [], 0
    for start, end in spans:
        out += [snippet[at:start], "【", snippet[start:end], "】"]
        at = end
    out.append(snippet[at:])
    return printable("".join(out))


def described(filters: Obj | None) -> str:
    """The filters as a tool's arguments: `year 2016-2020, type government`."""
    if not filters:
        return ""
    parts = [f"doc {d}" for d in filters.get("doc", [])]
    parts += [f"year {a}" if a == b else f"year {a}-{b}" for a, b in filters.get("year", [])]
    for key in ("region", "type", "level", "speaker"):
        parts += [f"{key} {v}" for v in filters.get(key, [])]
    return ", ".join(parts)


def search(result: Obj) -> str:
    within = described(result.get("filters"))
    within = f" in the reports of {within}" if within else ""
    hits = result["hits"]
    lines = []
    if not result["total"]:
        lines = [f"No paragraph contains {result['query']!r}{within}."]
        if result.get("suggestions"):
            terms = ", ".join(f"{m['term']} ({m['count']})" for m in result["suggestions"])
            lines.append(f"Closest terms of the reports: {terms}. Search for one of them, or call search with fuzzy.")
        if not hits:
            return printable("\n".join(lines))
        lines += [f"Paragraphs that hold most of its terms ({result.get('partial', len(hits))} partial):", ""]
    for hit in hits:
        head = citation(hit)
        if hit.get("match") == "partial" or hit.get("missing"):
            head += f"  (partial: lacks {' '.join(hit.get('missing') or [])})"
        elif hit.get("approximate"):
            head += f"  (approximate: ≈ {hit.get('variant')}, {hit.get('similarity'):g}%)"
        lines += [head, "  " + _highlighted(hit["snippet"], hit["highlights"]), ""]
    extra = []
    if result.get("approximate"):
        extra.append(f"{result['approximate']} approximate")
    if result.get("partial"):
        extra.append(f"{result['partial']} partial: none holds every term")
    counted = f" ({', '.join(extra)})" if extra else ""
    if not result["total"]:
        return printable("\n".join(lines).rstrip("\n"))
    if len(hits) < result["total"]:
        lines.append(
            f"Showing {len(hits)} of {result['total']} paragraphs{counted}{within}: the answer was cut at limit; "
            "raise limit (at most 100) or narrow with filters or section for more; show reads a paragraph whole."
        )
    else:
        lines.append(f"{result['total']} paragraph{'s' if result['total'] != 1 else ''}{counted}{within}.")
    return "\n".join(lines)


def show(result: Obj) -> str:
    lines = [citation(result), printable(result["text"])]
    if result["context"]:
        lines += ["", "Context:"]
        for p in result["context"]:
            lines += [citation(p), printable(p["text"])]
    return "\n".join(lines)


def fuzzy(result: Obj, limit: int) -> str:
    if not result["matches"]:
        return printable(f"No term is close to {result['query']!r}; a lower min_score finds more distant terms.")
    lines = []
    for m in result["matches"]:
        docs = ", ".join(map(str, m["docs"][:10])) + (f" … ({len(m['docs'])} documents)" if len(m["docs"]) > 10 else "")
        times = f"{m['count']} occurrence{'s' if m['count'] != 1 else ''}"
        lines.append(printable(f"{m['term']}  score {m['score']:g}, {times}, in documents {docs}"))
    if len(result["matches"]) >= limit:
        lines.append(f"Showing the {limit} closest terms (limit); raise limit (at most 100) for more.")
    return "\n".join(lines)


def _seq(ref: str | None) -> int:
    return int(ref.rsplit(":", 1)[1]) if ref and ":" in ref else 0


def _sections(sections: list[Obj], indent: str, lines: list[str]) -> None:
    """Each section, then its initiatives and subsections in reading order (as the CLI's tree)."""
    for sec in sections:
        number = sec["number"] if sec["number"].startswith("(") else f"{sec['number']}、"
        ref = f" [{sec['ref']}]" if sec.get("ref") else ""
        lines.append(printable(f"{indent}{number}{sec['title']}{ref}"))
        inside = [(_seq(i["ref"]), 0, i) for i in sec["initiatives"]]
        inside += [(_seq(c["ref"]), 1, c) for c in sec["children"]]
        for _, is_section, item in sorted(inside, key=lambda t: t[:2]):
            if is_section:
                _sections([item], indent + "  ", lines)
            else:
                lines.append(printable(f"{indent}  · {item['title']} [{item['ref']}]"))


def outline(result: Obj, maximum: int) -> str:
    lines: list[str] = []
    for o in result["outline"]:
        doc = o["doc"]
        lines.append(printable(f"Document {doc['id']}: {doc['title']}" + (f" ({doc['date']})" if doc["date"] else "")))
        _sections(o["sections"], "  ", lines)
        if not o["sections"]:
            lines.append("  (no sections)")
    if not result["outline"]:
        lines.append("No outline: the reports chosen have no sections.")
    if result["truncated"]:
        lines.append(
            f"Showing {len(result['outline'])} of {result['total']} documents: the answer was cut at limit; "
            f"narrow with doc or other filters, or raise limit (at most {maximum})."
        )
    return "\n".join(lines)


def documents(result: Obj, maximum: int) -> str:
    lines = []
    for d in result["documents"]:
        what = "/".join(str(v) for v in (d["type"], d["level"], d["region"], d["year"]) if v)
        line = f"[{d['id']}] {d['title']}" + (f" ({d['date']})" if d["date"] else "") + f" · {what}"
        if d.get("speaker"):
            line += f" · {d.get('speaker_role') or ''}{d['speaker']}"
        line += f" · {d['paragraphs']} paragraphs, {d['sections']} sections"
        if d.get("copy_of") is not None:
            line += f" · a copy of {d['copy_of']}"
        elif d.get("copies"):
            line += f" · copies: {', '.join(map(str, d['copies']))}"
        lines.append(printable(line))
    if result["truncated"]:
        lines.append(
            f"Showing {len(result['documents'])} of {result['total']} documents: the answer was cut at limit; "
            f"narrow with filters (year, region, type, level, speaker) or raise limit (at most {maximum})."
        )
    else:
        lines.append(f"{result['total']} document{'s' if result['total'] != 1 else ''}.")
    return "\n".join(lines)


def trend(result: Obj) -> str:
    """One line a bucket with a figure, then the buckets without any."""
    lines, empty = [], 0
    for b in result["buckets"]:
        if not any(c["occurrences"] for c in b["counts"]):
            empty += 1
            continue
        figures = "; ".join(
            f"{c['term']} {c['occurrences']}× in {c['paragraphs']} ¶ ({c['per_10k']:g}/10k)"
            + (f" refs {' '.join(c['refs'])}" if c["refs"] else "")
            for c in b["counts"]
        )
        lines.append(printable(f"{b['key']} ({b['reports']} reports): {figures}"))
    lines.append(f"{empty} more {result['by']} buckets hold none of the terms (zeros).")
    return "\n".join(lines)


def compare(result: Obj) -> str:
    lines = [f"Terms ranked by {result['statistic']}: count = paragraphs holding the term, per_10k = occurrences."]
    for name, items in result["terms"].items():
        shown = ", ".join(
            f"{t['term']} ({t['left']['count']}→{t['right']['count']}, G2 {t['score']:g})" for t in items[:20]
        )
        lines.append(printable(f"{name}: {shown or 'none'}"))
    if result["initiatives"]:
        i = result["initiatives"]
        lines.append(
            f"{len(i['kept'])} sections and initiatives kept, {len(i['new'])} new, {len(i['dropped'])} dropped."
        )
        lines += [printable(f"kept {k['left']} → {k['right']} ({k['similarity']:g})") for k in i["kept"][:30]]
    return "\n".join(lines)


def track(result: Obj) -> str:
    if result["next"] is None:
        return printable(
            f"The next report ({result.get('expected', '')}) is not in the knowledge base: nothing to track."
        )
    lines = []
    for p in result["plans"]:
        proofs = ", ".join(f"{e['ref']} ({e['score']:g})" for e in p["evidence"])
        lines.append(
            printable(f"{p['status']}: [{p['ref']}] {p['section']} {p['title']}" + (f" ← {proofs}" if proofs else ""))
        )
    return "\n".join(lines)
