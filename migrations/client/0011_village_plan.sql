-- Taizhang client local store, schema 11 (issue 22): the village situation register (村情, one
-- row a year) and the plan items (三年帮扶目标, 年度帮扶计划, 工作目标责任书), one row per record of
-- the registry, with the columns the screens sort and filter by. Forward-only: never edit once
-- released.
--
-- Records a newer device wrote before these tables existed were kept in the registry but not
-- indexed: the flag below asks the ledger to re-materialise the registry the next time the
-- store is opened (the tables are a cache).

CREATE TABLE village_situations (
    year        INTEGER PRIMARY KEY,
    record      TEXT NOT NULL,              -- the whole record as JSON
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);

CREATE TABLE plan_items (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,              -- three_year | yearly | letter
    year        INTEGER NOT NULL,           -- the (first) year it is for
    state       TEXT NOT NULL,              -- open | done | missed
    due         TEXT,                       -- YYYY-MM-DD
    record      TEXT NOT NULL,
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX plan_items_by_year ON plan_items(year, kind);

INSERT INTO meta (key, value) VALUES ('rematerialise_registry', '1')
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
