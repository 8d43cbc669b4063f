-- Taizhang client local store, schema 8 (issue 22): the village's own ledger — meetings
-- (会议 / 活动), projects (项目: 民生实事, 帮扶专案) and their progress updates (项目进展), one
-- row per record of the registry, with the columns the lists sort and filter by. Forward-only:
-- never edit once released.
--
-- Records a newer device wrote before these tables existed were kept in the registry but not
-- indexed: the flag below asks the ledger to re-materialise the registry the next time the
-- store is opened (the tables are a cache).

CREATE TABLE meetings (
    id          TEXT PRIMARY KEY,
    date        TEXT NOT NULL,              -- YYYY-MM-DD, the day it was held (Asia/Shanghai)
    kind        TEXT NOT NULL,              -- committee | symposium | party_lecture | training | other
    record      TEXT NOT NULL,              -- the whole record as JSON
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX meetings_by_date ON meetings(date, kind);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,              -- practical | aid
    state       TEXT NOT NULL,              -- planned | underway | done | dropped
    closed_on   TEXT,                       -- YYYY-MM-DD once done or dropped
    record      TEXT NOT NULL,
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX projects_by_state ON projects(state, kind);

CREATE TABLE project_progress (
    id          TEXT PRIMARY KEY,
    project     TEXT NOT NULL,
    day         TEXT NOT NULL,              -- YYYY-MM-DD
    record      TEXT NOT NULL,
    conflicts   TEXT NOT NULL DEFAULT '[]',
    doc         TEXT NOT NULL
);
CREATE INDEX project_progress_by_project ON project_progress(project, day);

INSERT INTO meta (key, value) VALUES ('rematerialise_registry', '1')
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
