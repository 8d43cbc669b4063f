-- Taizhang sync server, PostgreSQL backend, schema 14 (issue 23): batch signatures.
-- Forward-only: never edit, add a new file. Mirrors migrations/server-sqlite/0014.
-- A device signs its own changes of a push in batches (one ed25519 signature over the SHA-256
-- of the sorted member hashes) instead of one signature each. A batch is kept once; each
-- change it vouches for points at it (the first proof kept for a change stays).
CREATE TABLE signature_batches (
    village   UUID NOT NULL,
    digest    BYTEA NOT NULL,   -- SHA-256 of the sorted member hashes
    signature BYTEA NOT NULL,   -- the author's signature over it (64 bytes)
    members   BYTEA NOT NULL,   -- the sorted member hashes, 32 bytes each
    PRIMARY KEY (village, digest)
);

CREATE TABLE change_batches (
    village UUID NOT NULL,
    hash    BYTEA NOT NULL,
    digest  BYTEA NOT NULL,
    PRIMARY KEY (village, hash)
);
