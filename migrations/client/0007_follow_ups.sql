-- Taizhang client local store, schema 7 (issue 16): follow-up items (承诺事项 / 待办), one row
-- per item of the registry, with the columns the to-do list sorts and filters by. Forward-only:
-- never edit once released.
--
-- Items a newer device wrote before this table existed were kept in the registry but not
-- indexed: the flag below asks the ledger to re-materialise the registry the next time the
-- store is opened (the tables are a cache).

CREATE TABLE follow_ups (
    id          TEXT PRIMARY KEY,
    household   TEXT NOT NULL,
    owner       TEXT NOT NULL,
    due         TEXT,                       -- YYYY-MM-DD, or NULL when no day was agreed
    done        INTEGER NOT NULL DEFAULT 0, -- 1 once closed (办结)
    record      TEXT NOT NULL,              -- the whole record as JSON
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX follow_ups_by_household ON follow_ups(household);
CREATE INDEX follow_ups_open ON follow_ups(done, owner, due);

INSERT INTO meta (key, value) VALUES ('rematerialise_registry', '1')
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
