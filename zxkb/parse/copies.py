"""A report stored from several sources (pure): the identity the report has
over its copies, whether two documents' identities name different reports,
and the form a document's own identity is stored in (documents.identity)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from zxkb.models import Identity

FIELDS = ("type", "level", "region", "year", "date", "meeting", "speaker", "speaker_role")


def to_json(identity: Identity, meta: Mapping[str, str]) -> str:
    """A document's own identity as stored (documents.identity)."""
    data = {**identity._asdict(), "evidence": dict(identity.evidence), "meta": dict(meta)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def from_json(text: str | None) -> tuple[Identity, dict[str, str]]:
    """(identity, the file's fields it was decided from) as to_json stored them."""
    data = json.loads(text) if text else {}
    values = {name: data.get(name) for name in Identity._fields if name != "evidence"}
    values["type"] = values.get("type") or "other"
    evidence = tuple(dict(data.get("evidence") or {}).items())
    return Identity(**values, evidence=evidence), dict(data.get("meta") or {})  # type: ignore[arg-type]


def merge(own: Sequence[tuple[int, Identity]], canonical: int) -> Identity:
    """The identity of a report stored from several sources: each field as the
    canonical copy has it, else as the first other copy (by id) that has it
    (the speaker of a Wikisource record without a byline comes from the State
    Council's copy); evidence says which copy."""
    ordered = sorted(own, key=lambda item: (item[0] != canonical, item[0]))
    values: dict[str, object] = {}
    evidence: dict[str, str] = {}
    for name in FIELDS:
        for doc_id, idt in ordered:
            value = getattr(idt, name)
            if value is None or (name == "type" and value == "other" and len(ordered) > 1):
                continue
            values[name] = value
            why = dict(idt.evidence).get("region" if name == "level" else name)
            if why:
                evidence[name] = why if doc_id == canonical else f"copy {doc_id}: {why}"
            break
    byline = next((idt.byline for _, idt in ordered if idt.byline), None)
    return Identity(
        type=str(values.get("type") or "other"),
        level=values.get("level"),  # type: ignore[arg-type]
        region=values.get("region"),  # type: ignore[arg-type]
        year=values.get("year"),  # type: ignore[arg-type]
        date=values.get("date"),  # type: ignore[arg-type]
        meeting=values.get("meeting"),  # type: ignore[arg-type]
        speaker=values.get("speaker"),  # type: ignore[arg-type]
        speaker_role=values.get("speaker_role"),  # type: ignore[arg-type]
        byline=byline,
        evidence=tuple(evidence.items()),
    )


def conflict(a: Identity, b: Identity) -> bool:
    """Do two identities name different reports (a type, region or year known on both sides and different)?"""
    if a.type != b.type and "other" not in (a.type, b.type):
        return True
    return any(
        getattr(a, name) is not None and getattr(b, name) is not None and getattr(a, name) != getattr(b, name)
        for name in ("region", "year")
    )
