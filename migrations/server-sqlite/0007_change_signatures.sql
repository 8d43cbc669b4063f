-- Taizhang sync server, SQLite backend, schema 6 (issue 20): change signatures.
-- Forward-only: never edit, add a new file. Mirrors migrations/server-postgres/0006.
-- The author's ed25519 signature over each change hash, as pushed (by its author or relayed
-- by a teammate's device); none for changes pushed by older apps.
CREATE TABLE change_signatures (
    village   BLOB NOT NULL,
    hash      BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (village, hash)
) WITHOUT ROWID;
