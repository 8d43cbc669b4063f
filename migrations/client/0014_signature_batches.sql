-- Taizhang client local store, schema 14 (issue 23): batch signatures of teammates' changes.
-- A device now signs its own changes of a push in batches (one ed25519 signature over the
-- SHA-256 of the sorted member hashes, taizhang_peer::BatchSig) instead of one signature per
-- change; what this device received vouched for by a batch is kept here, so that it goes on to
-- a teammate's phone or back to the server with its author's signature. Single signatures stay
-- in change_signatures (schema 5). Forward-only.

CREATE TABLE signature_batches (
    digest    BLOB PRIMARY KEY,   -- SHA-256 of the sorted member hashes (32 bytes)
    signature BLOB NOT NULL,      -- the author's ed25519 signature over the batch (64 bytes)
    members   BLOB NOT NULL       -- the member hashes, sorted, 32 bytes each
) WITHOUT ROWID;

CREATE TABLE change_batches (
    hash   BLOB PRIMARY KEY,      -- a change this device holds (32 bytes)
    digest BLOB NOT NULL          -- the batch that vouches for it
) WITHOUT ROWID;
