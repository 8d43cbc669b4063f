-- Taizhang client local store, schema 2: a journal of sync sessions, so the Sync screen can
-- say when the last successful sync was, what the last failure said, and support can see a
-- device's history. Forward-only: never edit once released.

CREATE TABLE sync_journal (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,          -- device clock when the session started, UTC ms
    ok           INTEGER NOT NULL CHECK (ok IN (0, 1)),
    requests     INTEGER NOT NULL,
    bytes_up     INTEGER NOT NULL,
    bytes_down   INTEGER NOT NULL,
    pushed       INTEGER NOT NULL,          -- changes sent
    received     INTEGER NOT NULL,          -- changes received
    error        TEXT                       -- the error in plain words when ok = 0
);
