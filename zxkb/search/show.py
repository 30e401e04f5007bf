"""`show`: one paragraph by reference, with its neighbours."""

from __future__ import annotations

import re
import sqlite3

from zxkb.errors import NotFound, ZxkbError
from zxkb.models import ShowResult
from zxkb.store import reads

_REF = re.compile(r"^\s*(\d+)\s*[:：]\s*(\d+)\s*$")


MAX_ID = 2**63 - 1  # SQLite's largest integer
MAX_CONTEXT = 100_000  # neighbours on each side: more than any report has


def parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref)
    if not m:
        raise ZxkbError(f"not a paragraph reference: {ref!r}", "write DOC:PARAGRAPH as search prints it, e.g. 1:27")
    doc, seq = m.group(1), m.group(2)
    if len(doc) > 19 or len(seq) > 19 or int(doc) > MAX_ID or int(seq) > MAX_ID:
        raise NotFound(f"no paragraph {ref.strip()}", "zxkb docs lists documents; zxkb search prints references")
    return int(doc), int(seq)


def show(conn: sqlite3.Connection, ref: str, context: int = 1) -> ShowResult:
    doc_id, seq = parse_ref(ref)
    context = max(0, min(context, MAX_CONTEXT))
    para = reads.paragraph(conn, doc_id, seq)
    if para is None:
        raise NotFound(f"no paragraph {doc_id}:{seq}", "zxkb docs lists documents; zxkb search prints references")
    around = reads.paragraphs_between(conn, doc_id, seq - context, seq + context) if context else []
    return ShowResult(para, tuple(p for p in around if p.paragraph != seq))
