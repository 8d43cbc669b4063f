-- Taizhang sync server, PostgreSQL backend, schema 6 (issue 20): change signatures.
-- Forward-only: never edit, add a new file. Mirrors migrations/server-sqlite/0006.
-- The author's ed25519 signature over each change hash, as pushed (by its author or relayed
-- by a teammate's device); none for changes pushed by older apps.
CREATE TABLE change_signatures (
    village   UUID NOT NULL,
    hash      BYTEA NOT NULL,
    signature BYTEA NOT NULL,
    PRIMARY KEY (village, hash)
);
