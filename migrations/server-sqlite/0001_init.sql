-- Taizhang sync server, SQLite backend, schema 1. Forward-only: never edit, add a new file.
CREATE TABLE villages (
    id          BLOB PRIMARY KEY,          -- 16-byte UUID
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Every change ever accepted, append-only. `seq` is the log order devices read by cursor.
CREATE TABLE changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    village      BLOB NOT NULL REFERENCES villages(id),
    doc          TEXT NOT NULL,
    hash         BLOB NOT NULL,            -- SHA-256 of the change
    actor        BLOB NOT NULL,            -- Automerge actor that made it
    device_time  INTEGER NOT NULL,         -- the device's clock (UTC ms), as claimed
    received_at  INTEGER NOT NULL,         -- the server's clock when first received (UTC ms)
    bytes        BLOB NOT NULL
);
CREATE UNIQUE INDEX changes_by_hash ON changes(village, doc, hash);
CREATE INDEX changes_by_village_seq ON changes(village, seq);

-- Current heads of each document, maintained in the same transaction as `changes`.
CREATE TABLE docs (
    village  BLOB NOT NULL REFERENCES villages(id),
    doc      TEXT NOT NULL,
    heads    BLOB NOT NULL,               -- concatenated 32-byte hashes, sorted
    PRIMARY KEY (village, doc)
) WITHOUT ROWID;
