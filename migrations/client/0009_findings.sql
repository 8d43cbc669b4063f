-- Taizhang client local store, schema 9 (issue 16): inspection findings (检查发现的问题) written
-- by the township or county on their page and the team's answers (整改), one row per finding
-- of the registry, with the columns the lists sort and filter by. Forward-only: never edit
-- once released.
--
-- Findings that reached the registry before this table existed were kept but not indexed: the
-- flag below asks the ledger to re-materialise the registry the next time the store is opened
-- (the tables are a cache).

CREATE TABLE findings (
    id          TEXT PRIMARY KEY,
    household   TEXT,                       -- the household inspected, or NULL
    member      TEXT,                       -- the author of the diary entry inspected, or NULL
    found_at    INTEGER NOT NULL,           -- ms, the server's time of the finding
    answered    INTEGER NOT NULL DEFAULT 0, -- 1 once the team answered (已答复)
    record      TEXT NOT NULL,              -- the whole record as JSON
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX findings_open ON findings(answered, found_at);
CREATE INDEX findings_by_household ON findings(household);

INSERT INTO meta (key, value) VALUES ('rematerialise_registry', '1')
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
