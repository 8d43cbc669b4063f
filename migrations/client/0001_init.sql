-- Taizhang client local store, schema 1. Forward-only: never edit this file once released;
-- add 0002_*.sql instead (and list it in taizhang-store's MIGRATIONS).
--
-- Three parts: (1) the Automerge documents as opaque byte chunks, (2) sync bookkeeping,
-- (3) materialised tables for queries. Part 3 is a cache of the documents: it can always be
-- rebuilt from part 1, so it has no foreign keys (records arrive in any order by sync).
-- Ids are canonical lower-case UUID text, instants are UTC milliseconds (INTEGER), dates are
-- 'YYYY-MM-DD' and months 'YYYY-MM' (Asia/Shanghai), conflicts are JSON arrays of
-- {"field": ..., "values": [...]}, `doc` is the document id the record was read from.

-- (1) Document bytes: a snapshot followed by incremental chunks, in `seq` order per doc.
-- AUTOINCREMENT so a compacted snapshot always sorts after the chunks it replaced.
CREATE TABLE doc_chunks (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    doc    TEXT NOT NULL,
    bytes  BLOB NOT NULL
);
CREATE INDEX doc_chunks_by_doc ON doc_chunks(doc, seq);

-- (2) Sync bookkeeping: the heads the server has confirmed, per document
-- (concatenated 32-byte change hashes).
CREATE TABLE sync_docs (
    doc              TEXT PRIMARY KEY,
    confirmed_heads  BLOB NOT NULL
) WITHOUT ROWID;

-- Documents with local changes the server has not confirmed yet ("waiting to be sent").
CREATE TABLE pending_docs (
    doc  TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- (3) Materialised tables.
CREATE TABLE village (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    county     TEXT NOT NULL,
    township   TEXT NOT NULL,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    radius_m   REAL NOT NULL
);

CREATE TABLE members (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    helping_unit  TEXT NOT NULL,
    term_start    TEXT NOT NULL,
    term_end      TEXT,
    conflicts     TEXT NOT NULL DEFAULT '[]',
    doc           TEXT NOT NULL
);

CREATE TABLE households (
    id             TEXT PRIMARY KEY,
    head           TEXT NOT NULL,
    members_count  INTEGER NOT NULL,
    grp            TEXT NOT NULL,
    grid           TEXT NOT NULL,
    status         TEXT NOT NULL,
    causes         TEXT NOT NULL,          -- comma-separated cause codes
    helper         TEXT,
    plan           TEXT NOT NULL,
    income_yuan    INTEGER,
    conflicts      TEXT NOT NULL DEFAULT '[]',
    doc            TEXT NOT NULL
);
CREATE INDEX households_by_group_head ON households(grp, head);
CREATE INDEX households_by_status ON households(status, grp, head);

CREATE TABLE visits (
    id          TEXT PRIMARY KEY,
    household   TEXT NOT NULL,
    member      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    lat         REAL,
    lon         REAL,
    accuracy_m  REAL,
    findings    TEXT NOT NULL,
    needs       TEXT NOT NULL,
    follow_up   TEXT NOT NULL,
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX visits_by_household ON visits(household, at);
CREATE INDEX visits_by_member_at ON visits(member, at);
CREATE INDEX visits_by_at ON visits(at);

CREATE TABLE diary_entries (
    id          TEXT PRIMARY KEY,
    member      TEXT NOT NULL,
    date        TEXT NOT NULL,
    month       TEXT NOT NULL,
    text        TEXT NOT NULL,
    amends      TEXT,
    written_at  INTEGER NOT NULL,
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX diary_by_member_month ON diary_entries(member, month, date, written_at);

CREATE TABLE check_ins (
    id           TEXT PRIMARY KEY,
    member       TEXT NOT NULL,
    at           INTEGER NOT NULL,
    local_date   TEXT NOT NULL,            -- Asia/Shanghai date of `at`
    kind         TEXT NOT NULL,            -- 'in' | 'out'
    lat          REAL,
    lon          REAL,
    accuracy_m   REAL,
    in_geofence  INTEGER,                  -- 0 / 1 / NULL (no location)
    conflicts    TEXT NOT NULL DEFAULT '[]',
    doc          TEXT NOT NULL
);
CREATE INDEX check_ins_by_member_at ON check_ins(member, at);
CREATE INDEX check_ins_by_at ON check_ins(at);
CREATE INDEX check_ins_by_member_date ON check_ins(member, local_date);
CREATE INDEX check_ins_by_date ON check_ins(local_date);

CREATE TABLE leave_requests (
    id          TEXT PRIMARY KEY,
    member      TEXT NOT NULL,
    from_date   TEXT NOT NULL,
    to_date     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    state       TEXT NOT NULL,             -- 'pending' | 'approved' | 'rejected'
    decided_by  TEXT,
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX leave_by_member ON leave_requests(member, from_date);

CREATE TABLE filings (
    member    TEXT NOT NULL,
    month     TEXT NOT NULL,
    filed_by  TEXT NOT NULL,
    filed_at  INTEGER NOT NULL,
    doc       TEXT NOT NULL,
    PRIMARY KEY (member, month)
) WITHOUT ROWID;
