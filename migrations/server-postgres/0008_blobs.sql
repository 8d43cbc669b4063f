-- Taizhang sync server, PostgreSQL backend, schema 8 (issue 19): attachments.
-- Forward-only: never edit, add a new file. Mirrors migrations/server-sqlite/0008.
-- A blob (photo, scan) per village and content hash, stored once however many records refer
-- to it; its bytes in chunks as they were uploaded, each durable before it was acknowledged.
-- `done_at` is set only after the whole was checked (hash, type, bounded decoding): only then
-- is it served. `device` and `started_at` count the per-device daily cap. Sharded by village
-- like the log: the village leads every key.
CREATE TABLE blobs (
    village    UUID NOT NULL,
    hash       BYTEA NOT NULL,
    kind       SMALLINT NOT NULL,
    total      BIGINT NOT NULL,
    received   BIGINT NOT NULL DEFAULT 0,
    device     UUID NOT NULL,
    started_at BIGINT NOT NULL,
    done_at    BIGINT,
    thumb      BYTEA,
    PRIMARY KEY (village, hash)
);
CREATE INDEX blobs_by_device ON blobs (device, started_at);
CREATE TABLE blob_chunks (
    village UUID NOT NULL,
    hash    BYTEA NOT NULL,
    "offset" BIGINT NOT NULL,
    bytes   BYTEA NOT NULL,
    PRIMARY KEY (village, hash, "offset")
);
