"""The pure half of ingest: a file -> its reports, parsed, folded, tokenised and
with their terms extracted, ready to be stored. Nothing here touches the
database, so it runs in worker processes (zxkb.ingest) while the main process
writes: on 2 cores that is most of the CPU time of an ingest (decoding, parsing,
folding and word segmentation), next to the writing and pinyin of new terms.
Everything returned is plain data that pickles."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zxkb import textnorm, vocab
from zxkb.errors import InputError, ZxkbError
from zxkb.formats import ReadOptions, Record, read_records
from zxkb.models import INDEXED, Identity, ParsedDocument
from zxkb.parse.fingerprint import sentence_hashes
from zxkb.parse.identity import identify
from zxkb.parse.report import body_chars, parse_report

MIN_REPORT_CHARS = 120  # less body text than this is a stub, not a report
MAX_BYTES = 50 * 1024 * 1024
IDENTITY_FIELDS = ("title", "year", "date", "region", "type", "congress")  # the file's fields identity reads


@dataclass(frozen=True)
class PreparedDocument:
    """A parsed report with what its storage needs computed: the index tokens of
    each block (None where the block is not indexed), the document's terms, what
    report it is (zxkb.parse.identity) with the file's fields it was decided
    from, and its sentence hashes (zxkb.parse.fingerprint: copies from other
    sources are recognised by them)."""

    doc: ParsedDocument
    tokens: tuple[str | None, ...]
    terms: vocab.DocumentTerms
    identity: Identity | None = None
    meta: tuple[tuple[str, str], ...] = ()
    sentences: tuple[int, ...] = ()


@dataclass(frozen=True)
class PreparedRecord:
    source: str
    encoding: str | None
    content_hash: str
    prepared: PreparedDocument | None  # None: already ingested (known hash) or not a report
    not_report: str | None = None  # why it is not a report
    key: str | None = None  # what the record is, in a file of many (record_key): its url, or title and year


@dataclass(frozen=True)
class FileFailure:
    """A file that cannot be ingested: the message and hint of its error."""

    message: str
    hint: str | None


def prepare_document(doc: ParsedDocument, meta: Mapping[str, str] | None = None) -> PreparedDocument:
    """Fold and tokenise a parsed report's indexed blocks, extract its terms,
    decide what report it is (`meta`: the file's fields) and hash its sentences."""
    keys = [textnorm.fold(b.text) if b.kind in INDEXED else None for b in doc.blocks]
    texts = [key for key, b in zip(keys, doc.blocks, strict=True) if key is not None and b.kind in vocab.VOCAB_KINDS]
    titles = [sec.title for sec in doc.sections]
    titles += [b.title for b in doc.blocks if b.kind == "body" and b.title]
    terms = vocab.extract(texts, [textnorm.fold(t) for t in titles], vocab.segmenter())
    fields = {k: v for k, v in (meta or {}).items() if k in IDENTITY_FIELDS}
    identity = identify(
        doc.title, doc.subtitle, doc.author, doc.date, [(b.kind, b.role, b.text) for b in doc.blocks], fields
    )
    return PreparedDocument(
        doc,
        tuple(None if k is None else textnorm.tokens(k) for k in keys),
        terms,
        identity,
        tuple(sorted(fields.items())),
        sentence_hashes((k for k, b in zip(keys, doc.blocks, strict=True) if k and b.kind == "body"), folded=True),
    )


def prepare_record(record: Record, known: frozenset[str] = frozenset()) -> PreparedRecord:
    """One record of a file, parsed and prepared unless its text is among the
    `known` content hashes (already stored: the caller says by which document)."""
    content_hash = hashlib.sha256(record.text.encode("utf-8")).hexdigest()
    key = record_key(record.meta)
    if content_hash in known:
        return PreparedRecord(record.source, record.encoding, content_hash, None, key=key)
    meta = {"name": Path(record.source.split("#")[0]).stem, **record.meta}
    doc = parse_report(record.text, meta, pages=record.pages)
    chars = body_chars(doc)
    if chars < MIN_REPORT_CHARS:
        why = f"not a report: {chars} characters of text"
        return PreparedRecord(record.source, record.encoding, content_hash, None, why, key=key)
    return PreparedRecord(record.source, record.encoding, content_hash, prepare_document(doc, meta), key=key)


def record_key(meta: dict[str, str]) -> str | None:
    """What a record of a CSV or JSON file is, whatever its position: its own url,
    else its title and year (folded), else None (its text alone says)."""
    if meta.get("url"):
        return f"url:{meta['url'].strip()}"
    if meta.get("title") and meta.get("year"):
        return f"title:{textnorm.fold(meta['title'])}|{meta['year'].strip()}"
    return None


def read_file(path: Path, read: ReadOptions, max_bytes: int = MAX_BYTES) -> list[Record]:
    """The records (reports) of one file; InputError when it cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"the file is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB limit for one report",
                "raise the limit with --max-size MB if this really is one report",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}") from exc
    return read_records(path.resolve(), data, read)


def read_file_records(path: Path, read: ReadOptions, max_bytes: int = MAX_BYTES) -> list[Record] | FileFailure:
    """read_file, with its error returned as data (for a worker process)."""
    try:
        return read_file(path, read, max_bytes)
    except ZxkbError as exc:
        return FileFailure(exc.message, exc.hint)


def prepare_file(
    path: Path, read: ReadOptions, max_bytes: int = MAX_BYTES, known: frozenset[str] = frozenset()
) -> list[PreparedRecord] | FileFailure:
    """Every record of a file, prepared, or why the file cannot be ingested
    (returned, not raised: it crosses a process boundary as data)."""
    records = read_file_records(path, read, max_bytes)
    if isinstance(records, FileFailure):
        return records
    return [prepare_record(record, known) for record in records]
