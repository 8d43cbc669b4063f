-- Server key rotation (issue 21, `admin rotate-key`): the token key that the current one
-- replaced, still accepted for what it issued until that expires (one row at most).
CREATE TABLE server_key_previous (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    secret      BLOB NOT NULL,
    retired_at  INTEGER NOT NULL
);
