-- Taizhang client local store, schema 5 (issue 20): the signatures of changes this device
-- received from its teammates phone to phone, kept beside the changes so that they go on to
-- the server (and to other teammates) with the author's signature. The device's own changes
-- are signed again when sent (ed25519 signatures are deterministic). Forward-only.

CREATE TABLE change_signatures (
    hash      BLOB PRIMARY KEY,   -- the change hash (32 bytes)
    signature BLOB NOT NULL       -- its author's ed25519 signature (64 bytes)
) WITHOUT ROWID;
