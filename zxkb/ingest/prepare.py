"""The pure half of ingest: a file -> its reports, parsed, folded, tokenised and
with their terms extracted, ready to be stored. Nothing here touches the
database, so it runs in worker processes (zxkb.ingest) while the main process
writes: on 2 cores that is most of the CPU time of an ingest (decoding, parsing,
folding and word segmentation), next to the writing and pinyin of new terms.
Everything returned is plain data that pickles."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zxkb import textnorm, vocab
from zxkb.errors import InputError, ZxkbError
from zxkb.formats import ReadOptions, Record, read_records
from zxkb.formats.record import DEFAULT_MAX_BYTES, has_surrogates, megabytes, replace_surrogates
from zxkb.models import INDEXED, Identity, ParsedDocument
from zxkb.parse.fingerprint import sentence_hashes
from zxkb.parse.identity import identify
from zxkb.parse.report import body_chars, parse_report
from zxkb.store import tiers

MIN_REPORT_CHARS = 120  # less body text than this is a stub, not a report
MAX_BYTES = DEFAULT_MAX_BYTES
IDENTITY_FIELDS = ("title", "year", "date", "region", "type", "congress")  # the file's fields identity reads


@dataclass(frozen=True)
class PreparedDocument:
    """A parsed report with what its storage needs computed: the index tokens of
    each block (None where the block is not indexed), the document's terms, what
    report it is (zxkb.parse.identity) with the file's fields it was decided
    from, its sentence hashes (zxkb.parse.fingerprint: copies from other
    sources are recognised by them), and the index tokens of each block's
    title (the index's title column, zxkb.store.index; "" for none)."""

    doc: ParsedDocument
    tokens: tuple[str | None, ...]
    terms: vocab.DocumentTerms
    identity: Identity | None = None
    meta: tuple[tuple[str, str], ...] = ()
    sentences: tuple[int, ...] = ()
    titles: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()  # each block's tier tokens (zxkb.store.tiers; "" for none)


@dataclass(frozen=True)
class FileFailure:
    """A file (or one record of it) that cannot be ingested: the message and hint of its error."""

    message: str
    hint: str | None


@dataclass(frozen=True)
class PreparedRecord:
    source: str
    encoding: str | None
    content_hash: str
    prepared: PreparedDocument | None  # None: already ingested (known hash), not a report, or failed
    not_report: str | None = None  # why it is not a report
    key: str | None = None  # what the record is, in a file of many (record_key): its url, or title and year
    failure: FileFailure | None = None  # why this record cannot be ingested
    warnings: tuple[str, ...] = ()  # what was repaired while reading it


def failure_of(exc: Exception, what: str = "the file") -> FileFailure:
    """Any exception met while reading, decoding or parsing one file or record,
    as that file's error: zxkb's own with its message and hint; the others
    (a library's, a recursion or memory limit that a hostile file reaches) with
    what they mean. With ZXKB_DEBUG set, the traceback of an unexpected one
    goes to stderr (from a worker process too)."""
    if isinstance(exc, ZxkbError):
        return FileFailure(exc.message, exc.hint)
    if isinstance(exc, RecursionError):
        return FileFailure(
            f"{what} nests too deeply to be read",
            "it is not a report as zxkb reads them; save its text as .txt to ingest it",
        )
    if isinstance(exc, MemoryError):
        return FileFailure(
            f"reading {what} needs more memory than there is",
            "a file this large is not one report: split it, or ingest it with --jobs 1",
        )
    if os.environ.get("ZXKB_DEBUG"):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc)
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    return FileFailure(
        f"cannot read {what}: {type(exc).__name__}: {detail}",
        "the file may be damaged; if it opens elsewhere, run again with ZXKB_DEBUG=1 and report the traceback",
    )


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
    title_tokens = tuple(
        textnorm.title_tokens(k, b.title) if k is not None and b.kind == "body" else ""
        for k, b in zip(keys, doc.blocks, strict=True)
    )
    return PreparedDocument(
        doc,
        tuple(None if k is None else textnorm.tokens(k) for k in keys),
        terms,
        identity,
        tuple(sorted(fields.items())),
        sentence_hashes((k for k, b in zip(keys, doc.blocks, strict=True) if k and b.kind == "body"), folded=True),
        title_tokens,
        tuple(
            tiers.text(k, textnorm.fold(b.title) if t and b.title else "") if k is not None and b.kind == "body" else ""
            for k, b, t in zip(keys, doc.blocks, title_tokens, strict=True)
        ),
    )


def prepare_record(record: Record, known: frozenset[str] = frozenset()) -> PreparedRecord:
    """One record of a file, parsed and prepared unless its text is among the
    `known` content hashes (already stored: the caller says by which document).
    Whatever goes wrong is this record's failure, never an exception."""
    if record.error is not None:
        return PreparedRecord(record.source, record.encoding, "", None, failure=FileFailure(record.error, record.hint))
    record = without_surrogates(record)
    try:
        return _prepare_record(record, known)
    except Exception as exc:  # any failure is this record's (see failure_of)
        failure = failure_of(exc, "the report")
        return PreparedRecord(record.source, record.encoding, "", None, failure=failure, warnings=record.warnings)


def _prepare_record(record: Record, known: frozenset[str]) -> PreparedRecord:
    content_hash = hashlib.sha256(record.text.encode("utf-8")).hexdigest()
    key = record_key(record.meta)
    if content_hash in known:
        return PreparedRecord(record.source, record.encoding, content_hash, None, key=key, warnings=record.warnings)
    meta = {"name": Path(record.source.split("#")[0]).stem, **record.meta}
    doc = parse_report(record.text, meta, pages=record.pages)
    chars = body_chars(doc)
    if chars < MIN_REPORT_CHARS:
        why = f"not a report: {chars} characters of text"
        return PreparedRecord(record.source, record.encoding, content_hash, None, why, key=key)
    prepared = prepare_document(doc, meta)
    return PreparedRecord(record.source, record.encoding, content_hash, prepared, key=key, warnings=record.warnings)


def record_key(meta: dict[str, str]) -> str | None:
    """What a record of a CSV or JSON file is, whatever its position: its own url,
    else its title and year (folded), else None (its text alone says)."""
    if meta.get("url"):
        return f"url:{meta['url'].strip()}"
    if meta.get("title") and meta.get("year"):
        return f"title:{textnorm.fold(meta['title'])}|{meta['year'].strip()}"
    return None


def without_surrogates(record: Record) -> Record:
    """A record whose text or metadata holds lone surrogates (a JSON escape such
    as `\\ud800`, which is no character, and which SQLite and UTF-8 cannot
    take) with them replaced by U+FFFD, and a warning that says so."""
    bad = [name for name, value in {"text": record.text, **record.meta}.items() if has_surrogates(value)]
    if not bad:
        return record
    warning = f"lone surrogate escapes (such as \\ud800, not characters) in {', '.join(bad)} replaced by U+FFFD"
    meta = {key: replace_surrogates(value) for key, value in record.meta.items()}
    return dataclasses.replace(
        record, text=replace_surrogates(record.text), meta=meta, warnings=(*record.warnings, warning)
    )


def read_file(path: Path, read: ReadOptions, max_bytes: int = MAX_BYTES) -> list[Record]:
    """The records (reports) of one file; InputError when it cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"the file is {megabytes(size)} MB, more than the --max-size limit of {megabytes(max_bytes)} MB"
                " for one report",
                "raise the limit with --max-size MB if this really is one report",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}") from exc
    return read_records(path.resolve(), data, dataclasses.replace(read, max_bytes=max_bytes))


def read_file_records(path: Path, read: ReadOptions, max_bytes: int = MAX_BYTES) -> list[Record] | FileFailure:
    """read_file, with its error returned as data (for a worker process): any
    exception, not only zxkb's own (see failure_of)."""
    try:
        return read_file(path, read, max_bytes)
    except Exception as exc:  # any failure is this file's (see failure_of)
        return failure_of(exc)


def prepare_file(
    path: Path, read: ReadOptions, max_bytes: int = MAX_BYTES, known: frozenset[str] = frozenset()
) -> list[PreparedRecord] | FileFailure:
    """Every record of a file, prepared, or why the file cannot be ingested
    (returned, not raised: it crosses a process boundary as data)."""
    records = read_file_records(path, read, max_bytes)
    if isinstance(records, FileFailure):
        return records
    return [prepare_record(record, known) for record in records]
