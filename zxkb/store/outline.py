"""The outline of documents: sections with their subsections and initiatives."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

from zxkb.errors import NotFound
from zxkb.models import Initiative, Outline, OutlineSection
from zxkb.store.reads import doc_filter

_ADDRESS_ONLY = re.compile(r"^(各位代表|各位委员|同志们|代表们|委员们)[、，,！!：:\s]*(同志们|朋友们)?[！!：:]?$")


def outline(
    conn: sqlite3.Connection, doc_ids: list[int] | None, path: str | None, *, copies: bool = False
) -> list[Outline]:
    """Sections with their subsections and initiatives, per document (of every
    document: each report once, unless `copies`); with `path`, just that section
    in each document that has it (NotFound when none has)."""
    cond, args = doc_filter(doc_ids)
    once = " AND d.copy_of IS NULL" if doc_ids is None and not copies else ""
    docs = conn.execute(
        f"SELECT d.id, d.title, d.date FROM documents d WHERE d.id IN"
        f" (SELECT p.doc_id FROM paragraphs p WHERE 1 {cond}){once} ORDER BY d.id",
        args,
    ).fetchall()
    result = []
    for doc_id, title, date in docs:
        secs = conn.execute(
            "SELECT id, parent_id, number, path, title, heading_seq FROM sections WHERE doc_id = ? ORDER BY ordinal",
            (doc_id,),
        ).fetchall()
        initiatives: dict[int, list[Initiative]] = {}
        for section_id, seq, ptitle, text in conn.execute(
            "SELECT p.section_id, p.seq, p.title, p.text FROM paragraphs p JOIN sections s ON s.id = p.section_id"
            " WHERE p.doc_id = ? AND p.kind = 'body' AND p.seq != s.heading_seq ORDER BY p.seq",
            (doc_id,),
        ):
            if not _ADDRESS_ONLY.match(text):  # `各位代表！` alone opens a part; it is no initiative
                initiatives.setdefault(section_id, []).append(Initiative(f"{doc_id}:{seq}", ptitle))

        tree = _tree(doc_id, secs, initiatives, None)
        if path is not None:
            tree = tuple(s for s in _walk(tree) if s.path == path)
            if not tree:
                continue
        result.append(Outline(doc_id, title, date, tree))
    if path is not None and not result:
        raise NotFound(f"no section {path}", "zxkb list shows the sections and their paths")
    return result


def _tree(
    doc_id: int,
    secs: list[tuple[int, int | None, str, str, str, int]],
    initiatives: dict[int, list[Initiative]],
    parent: int | None,
) -> tuple[OutlineSection, ...]:
    return tuple(
        OutlineSection(
            path=path,
            number=number,
            title=title,
            ref=f"{doc_id}:{heading_seq}",
            initiatives=tuple(initiatives.get(sid, ())),
            children=_tree(doc_id, secs, initiatives, sid),
        )
        for sid, pid, number, path, title, heading_seq in secs
        if pid == parent
    )


def _walk(sections: tuple[OutlineSection, ...]) -> Iterator[OutlineSection]:
    for sec in sections:
        yield sec
        yield from _walk(sec.children)
