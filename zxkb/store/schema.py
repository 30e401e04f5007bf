"""The only place with DDL. Ordered migrations, applied by PRAGMA user_version.

Append a migration to MIGRATIONS to change the schema; never edit one that has
shipped. A database whose user_version is higher than len(MIGRATIONS) was
written by a newer zxkb and is refused, never touched.
"""

from __future__ import annotations

import sqlite3

from zxkb.errors import DatabaseTooNew

MIGRATIONS: tuple[str, ...] = (
    # 1: documents, sections, paragraphs and a contentless FTS5 index.
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    -- AUTOINCREMENT: an id is never reused, so a reference like 3:27 never
    -- comes to name a paragraph of another document after zxkb rm.
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL,
        subtitle TEXT,
        author TEXT,
        date TEXT,
        year INTEGER,
        region TEXT,
        source TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE sections (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        parent_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        level INTEGER NOT NULL,
        number TEXT NOT NULL,
        path TEXT NOT NULL,
        title TEXT NOT NULL,
        heading_seq INTEGER NOT NULL
    );
    CREATE INDEX sections_doc_path ON sections(doc_id, path);
    CREATE TABLE paragraphs (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        section_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,
        kind TEXT NOT NULL CHECK (kind IN ('body', 'heading', 'front', 'noise', 'chrome', 'duplicate')),
        role TEXT,
        title TEXT,
        text TEXT NOT NULL,
        UNIQUE (doc_id, seq)
    );
    CREATE INDEX paragraphs_section ON paragraphs(section_id);
    -- One token per character of the folded text (zxkb.textnorm.index_text),
    -- body paragraphs in column `body`, headings, front matter and noise in
    -- `other`, so that the default search ({body}: ...) needs no join to filter.
    -- Contentless: the text lives once, in paragraphs; rowid = paragraphs.id.
    CREATE VIRTUAL TABLE paragraphs_fts USING fts5(
        body, other, content='', tokenize='unicode61 remove_diacritics 0'
    );
    """,
    # 2: the term vocabulary (fuzzy terms). Terms are folded keys; term_docs holds each
    # document's occurrence counts so that removing a document can subtract them:
    # deleting its term_docs rows (termstore.remove_document_terms, or the trigger on
    # documents) fires the trigger that lowers terms.count and terms.ndocs and
    # drops the terms no document uses. Ingest adds documents' terms in batches,
    # after the documents themselves (termstore.update_vocabulary): meta 'vocab_upto'
    # is the highest document id whose terms are in.
    """
    CREATE TABLE terms (
        id INTEGER PRIMARY KEY,
        term TEXT NOT NULL UNIQUE,
        pinyin TEXT NOT NULL,      -- toneless syllables separated by spaces: 'yuan cheng xie shang'
        initials TEXT NOT NULL,    -- 'ycxs'
        count INTEGER NOT NULL,    -- occurrences in all documents (sum of term_docs.count)
        ndocs INTEGER NOT NULL     -- documents it occurs in
    );
    -- One B-tree, in document order: a batch of documents is appended at the
    -- end (document ids only grow), and a document's rows are removed in one
    -- range. A query finds a term's rows with one look-up per document. No
    -- foreign keys: the triggers keep it consistent, and an insert does not
    -- look up two parent rows.
    CREATE TABLE term_docs (
        doc_id INTEGER NOT NULL,   -- documents.id
        term_id INTEGER NOT NULL,  -- terms.id
        count INTEGER NOT NULL,
        PRIMARY KEY (doc_id, term_id)
    ) WITHOUT ROWID;
    -- Candidate terms for a query: one token per character of the term (as
    -- paragraphs_fts) and its pinyin syllables. rowid = terms.id. Queries ask
    -- only which rows hold tokens (no phrases, no ranking): detail=column keeps
    -- no positions, columnsize=0 no lengths.
    CREATE VIRTUAL TABLE terms_fts USING fts5(
        chars, syllables, tokenize='unicode61 remove_diacritics 0', detail=column, columnsize=0
    );
    -- The reading of each character seen in a term, so that a query in Chinese
    -- characters gets its pinyin without pypinyin.
    CREATE TABLE char_pinyin (
        char TEXT PRIMARY KEY,
        pinyin TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TRIGGER documents_delete_terms AFTER DELETE ON documents BEGIN
        DELETE FROM term_docs WHERE doc_id = OLD.id;
    END;
    CREATE TRIGGER term_docs_delete AFTER DELETE ON term_docs BEGIN
        UPDATE terms SET count = count - OLD.count, ndocs = ndocs - 1 WHERE id = OLD.term_id;
        DELETE FROM terms WHERE id = OLD.term_id AND ndocs <= 0;
    END;
    CREATE TRIGGER terms_delete AFTER DELETE ON terms BEGIN
        DELETE FROM terms_fts WHERE rowid = OLD.id;
    END;
    """,
    # 3: the vocabulary in an eighth of the space. term_docs held one
    # B-tree row per (document, term): 58 MB of a 294 MB database at 100 MB of
    # reports. Now each document's terms and counts are one compressed blob
    # (doc_terms, read to subtract them when the document goes), and which
    # documents hold a term is a contentless FTS5 index of term ids (term_docs,
    # no positions): 1.7 bytes a pair instead of 13. terms_fts keeps no copy of
    # its text either. Triggers cannot read a blob: zxkb.termstore subtracts a
    # document's terms (zxkb.store.documents calls it). The vocabulary is
    # derived data: emptied here, it is rebuilt from the paragraphs where it is
    # next used (termstore.check_vocabulary: vocab_version is gone).
    """
    DROP TRIGGER IF EXISTS documents_delete_terms;  -- IF EXISTS: databases made while
    DROP TRIGGER IF EXISTS term_docs_delete;        -- migration 2 was being written lack some
    DROP TRIGGER IF EXISTS terms_delete;
    DROP TABLE IF EXISTS term_docs;
    DROP TABLE IF EXISTS terms_fts;
    DELETE FROM terms;
    DELETE FROM char_pinyin;
    DELETE FROM meta WHERE key IN ('vocab_version', 'vocab_upto');
    -- zxkb.termstore.pack_terms: the document's term ids, ascending, as
    -- differences, then their counts, 32-bit, zlib-compressed.
    CREATE TABLE doc_terms (
        doc_id INTEGER PRIMARY KEY,  -- documents.id
        terms BLOB NOT NULL
    );
    -- rowid = documents.id; the text is the document's term ids in decimal.
    CREATE VIRTUAL TABLE term_docs USING fts5(
        term_ids, content='', detail=none, columnsize=0, tokenize='ascii'
    );
    -- As in migration 2, without a copy of its text (content=''): a term
    -- leaves it with its tokens and pinyin, which terms holds.
    CREATE VIRTUAL TABLE terms_fts USING fts5(
        chars, syllables, content='', tokenize='unicode61 remove_diacritics 0', detail=column, columnsize=0
    );
    """,
    # 4: which record of which file a document came from, so that a file of many
    # reports (CSV, JSON) ingested again matches its records by what they are,
    # not by their position: `file` is the file's path (null for documents stored
    # before this migration: their source names it), `record_key` the record's
    # own key (url:…, title:…|year), null where it has none.
    """
    ALTER TABLE documents ADD COLUMN file TEXT;
    ALTER TABLE documents ADD COLUMN record_key TEXT;
    CREATE INDEX documents_file ON documents(file);
    CREATE INDEX documents_source ON documents(source);
    """,
    # 5: a PDF document's page count, and the page each of its paragraphs
    # starts on; NULL for every other source.
    """
    ALTER TABLE documents ADD COLUMN pages INTEGER;
    ALTER TABLE paragraphs ADD COLUMN page INTEGER;
    """,
    # 6: the archive (zxkb.store.reports). Each document knows what report it is
    # (type, level, key, meeting, speaker, speaker_role beside year and region; its
    # own findings with their evidence as JSON in `identity`), and a document
    # stored from a second source is a copy of the report's canonical document
    # (copy_of). doc_sketch holds a sample of each document's sentence hashes
    # (zxkb.parse.fingerprint) to find copies. The paragraph index gains two
    # columns for the copies' paragraphs, so that a search counts a report once
    # without a join: it is rebuilt by the next writer (norm_version: zxkb
    # upgrade, ingest, rm), which gives the documents already stored their
    # identity and copies too (meta 'archive_version', reports.check_archive).
    """
    ALTER TABLE documents ADD COLUMN type TEXT NOT NULL DEFAULT 'other';
    ALTER TABLE documents ADD COLUMN level TEXT;
    ALTER TABLE documents ADD COLUMN key TEXT;
    ALTER TABLE documents ADD COLUMN meeting TEXT;
    ALTER TABLE documents ADD COLUMN speaker TEXT;
    ALTER TABLE documents ADD COLUMN speaker_role TEXT;
    ALTER TABLE documents ADD COLUMN copy_of INTEGER;  -- documents.id of the canonical copy, NULL on it
    ALTER TABLE documents ADD COLUMN identity TEXT;    -- JSON: the document's own findings and evidence
    CREATE INDEX documents_key ON documents(key);
    CREATE INDEX documents_copy_of ON documents(copy_of);
    CREATE TABLE doc_sketch (
        hash INTEGER NOT NULL,
        doc_id INTEGER NOT NULL,  -- documents.id
        PRIMARY KEY (hash, doc_id)
    ) WITHOUT ROWID;
    CREATE INDEX doc_sketch_doc ON doc_sketch(doc_id);
    DROP TABLE paragraphs_fts;
    CREATE VIRTUAL TABLE paragraphs_fts USING fts5(
        body, other, copy_body, copy_other, content='', tokenize='unicode61 remove_diacritics 0'
    );
    DELETE FROM meta WHERE key IN ('norm_version', 'archive_version');
    """,
    # 7: ranking. paragraphs_fts gets two columns, `title` and `copy_title`: a body
    # paragraph's initiative title (a copy's in copy_title), one token per character as `body`, where
    # the folded title occurs in the folded text (zxkb.textnorm.title_tokens), so
    # that a search over {body title} finds exactly what {body} finds while
    # bm25 weighs a match in the title as well (zxkb.search.rank). An FTS5
    # table cannot gain a column: it is made again, and emptied norm_version
    # makes zxkb.store.connection rebuild it from the paragraphs when the
    # database is next opened to write (zxkb upgrade, ingest, rm).
    # terms.word: the term is a word as the segmenter cut it (not a phrase,
    # quote or title), so that a query can be cut into words without loading
    # the segmenter (zxkb.search.partial); the vocabulary, of the older
    # zxkb.vocab.VERSION, is rebuilt by zxkb upgrade (or the next ingest).
    """
    DROP TABLE paragraphs_fts;
    CREATE VIRTUAL TABLE paragraphs_fts USING fts5(
        body, other, copy_body, copy_other, title, copy_title,
        content='', tokenize='unicode61 remove_diacritics 0'
    );
    DELETE FROM meta WHERE key = 'norm_version';
    ALTER TABLE terms ADD COLUMN word INTEGER NOT NULL DEFAULT 0;
    """,
    # 8: each document's size (zxkb.store.stats), so that counting across reports
    # (zxkb trend, compare) normalises by the body text of a bucket without
    # reading it: at 1 GB of reports, summing the lengths of the body paragraphs
    # read the whole paragraphs table (~10 s). `chars` is the length of the body
    # paragraphs' text as stored (what `zxkb export` gives), `paragraphs` how
    # many they are; first_paragraph and last_paragraph the paragraph ids the
    # document spans (a document's paragraphs get consecutive ids:
    # zxkb.store.documents), so that an index hit maps to its document without
    # reading its row. Written with the document, filled here for those stored.
    """
    CREATE TABLE IF NOT EXISTS doc_sizes (
        doc_id INTEGER PRIMARY KEY,  -- documents.id
        first_paragraph INTEGER,     -- paragraphs.id; NULL for a document without paragraphs
        last_paragraph INTEGER,
        paragraphs INTEGER NOT NULL, -- body paragraphs
        chars INTEGER NOT NULL       -- characters of the body paragraphs' text
    );
    INSERT OR REPLACE INTO doc_sizes(doc_id, first_paragraph, last_paragraph, paragraphs, chars)
    SELECT d.id, min(p.id), max(p.id), count(CASE WHEN p.kind = 'body' THEN 1 END),
           coalesce(sum(CASE WHEN p.kind = 'body' THEN length(p.text) END), 0)
    FROM documents d LEFT JOIN paragraphs p ON p.doc_id = d.id GROUP BY d.id;
    """,
    # 9: the index's tiers (zxkb.store.tiers): for each body paragraph, the
    # characters and pairs of characters it holds three times or more, each with a bucket of how much it can
    # make the paragraph score, so that a common query's top k is found among a
    # few hundred paragraphs with an exact bound for the rest; a copy's tokens
    # marked, as paragraphs_fts keeps copies apart
    # (zxkb.search.topk) instead of bm25 over every match. Made from the
    # paragraphs: emptied norm_version makes zxkb.store.connection rebuild the
    # index and its tiers when the database is next opened to write (zxkb
    # upgrade, ingest, rm). Self-contained: it touches nothing else, and made
    # again where it is found (derived data: a database that was given an older
    # version number keeps nothing of it).
    """
    DROP TABLE IF EXISTS paragraphs_tiers_vocab;
    DROP TABLE IF EXISTS paragraphs_tiers;
    CREATE VIRTUAL TABLE paragraphs_tiers USING fts5(
        tiers, content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 0'
    );
    -- how many paragraphs hold each tier token (no storage of its own)
    CREATE VIRTUAL TABLE paragraphs_tiers_vocab USING fts5vocab(paragraphs_tiers, 'row');
    DELETE FROM meta WHERE key = 'norm_version';
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
# The rules that give each document its identity and copies (zxkb.store.reports):
# when this changes, stored documents are placed again on the next open.
ARCHIVE_VERSION = 1


def migrate(conn: sqlite3.Connection) -> bool:
    """Bring the database to SCHEMA_VERSION, inside the caller's write
    transaction (zxkb.store.connection): the version is read here, under the
    lock, so a process that waited while another created the database finds
    nothing left to do. Returns whether the database was new (version 0)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    check_version(version)
    for number in range(version + 1, SCHEMA_VERSION + 1):
        for statement in statements(MIGRATIONS[number - 1]):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    return bool(version == 0)


def statements(script: str) -> list[str]:
    """The SQL statements of a script, whole (a trigger's body included):
    executescript cannot run inside an open transaction, so each runs alone."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip().strip(";").strip():
                out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def check_version(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(
            f"this database has schema version {version}; this zxkb knows up to {SCHEMA_VERSION}",
            "upgrade zxkb (pip install -U zxkb); the database was left untouched",
        )
