-- Taizhang sync server, SQLite backend, schema 8 (issue 19): attachments.
-- Forward-only: never edit, add a new file. Mirrors migrations/server-postgres/0008.
-- A blob (photo, scan) per village and content hash, stored once however many records refer
-- to it; its bytes in chunks as they were uploaded, each durable before it was acknowledged.
-- `done_at` is set only after the whole was checked (hash, type, bounded decoding): only then
-- is it served. `device` and `started_at` count the per-device daily cap.
CREATE TABLE blobs (
    village    BLOB NOT NULL,
    hash       BLOB NOT NULL,
    kind       INTEGER NOT NULL,
    total      INTEGER NOT NULL,
    received   INTEGER NOT NULL DEFAULT 0,
    device     BLOB NOT NULL,
    started_at INTEGER NOT NULL,
    done_at    INTEGER,
    thumb      BLOB,
    PRIMARY KEY (village, hash)
);
CREATE INDEX blobs_by_device ON blobs (device, started_at);
CREATE TABLE blob_chunks (
    village BLOB NOT NULL,
    hash    BLOB NOT NULL,
    offset  INTEGER NOT NULL,
    bytes   BLOB NOT NULL,
    PRIMARY KEY (village, hash, offset)
);
