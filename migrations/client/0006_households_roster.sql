-- Taizhang client local store, schema 6 (issue 16): the household fields added by issue 16
-- (address, phone, door number, monitoring, 两不愁三保障 checks, helper by name) as one JSON
-- column, a search key (the names and door number with their full pinyin and pinyin initials),
-- and the family roster (家庭成员), one row per person. Forward-only: never edit once released.
--
-- Rows materialised by an older version have no details and no search key until the registry
-- is read again: the flag below asks the ledger to re-materialise the registry the next time
-- the store is opened (the tables are a cache).

ALTER TABLE households ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
ALTER TABLE households ADD COLUMN search_key TEXT NOT NULL DEFAULT '';

CREATE TABLE family_members (
    id          TEXT PRIMARY KEY,
    household   TEXT NOT NULL,
    name        TEXT NOT NULL,
    record      TEXT NOT NULL,              -- the whole record as JSON
    search_key  TEXT NOT NULL DEFAULT '',
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX family_members_by_household ON family_members(household);

INSERT INTO meta (key, value) VALUES ('rematerialise_registry', '1')
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
