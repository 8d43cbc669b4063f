-- Taizhang client local store, schema 12 (issue 19): attachments (photos and scans) this device
-- holds or has heard of. A file is named by the SHA-256 of its bytes (64 lowercase hex digits)
-- and lives beside the store as `attachments/<hash>` (its thumbnail `<hash>.thumb`), written to
-- a temporary name, fsynced, renamed, the directory fsynced, before the record that refers to it
-- is saved. Records refer to files by hash (a visit's `attachments`); the bytes never enter an
-- Automerge document. Local bookkeeping only: never synced, erased with the store on a wipe.
-- Forward-only: never edit once released.
--
-- No version before this one wrote `attachments` on a visit or a diary entry, so no row needs
-- re-reading.

CREATE TABLE attachments (
    hash         TEXT PRIMARY KEY,      -- SHA-256 of the file, 64 lowercase hex digits
    kind         TEXT NOT NULL,         -- jpeg / png / webp / pdf (by content)
    size         INTEGER NOT NULL,      -- bytes of the file
    record_kind  TEXT NOT NULL,         -- visit / diary / household / followup
    record_id    TEXT,                  -- the record it belongs to (NULL until it is saved)
    taken_at     TEXT,                  -- EXIF time, as the camera wrote it (optional evidence)
    lat          REAL,                  -- EXIF place (optional evidence)
    lon          REAL,
    keep_place   INTEGER NOT NULL DEFAULT 0,  -- 1: the person kept the place as evidence
    state        TEXT NOT NULL DEFAULT 'waiting', -- waiting / uploading / uploaded / remote
    acked        INTEGER NOT NULL DEFAULT 0,      -- bytes the server acknowledged as durable
    received_at  INTEGER,               -- when the server stored the whole file (UTC ms)
    has_file     INTEGER NOT NULL DEFAULT 0,      -- the file is on this device
    has_thumb    INTEGER NOT NULL DEFAULT 0,      -- the thumbnail is on this device
    added_at     INTEGER NOT NULL       -- ms, device time
);
CREATE INDEX attachments_by_record ON attachments(record_kind, record_id);
CREATE INDEX attachments_by_state ON attachments(state);

ALTER TABLE visits ADD COLUMN attachments TEXT NOT NULL DEFAULT '';  -- hashes, space-separated
ALTER TABLE diary_entries ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
