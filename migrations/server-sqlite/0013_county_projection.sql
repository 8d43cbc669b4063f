-- Issue 23: the county read model kept in the database, so that any server instance answers
-- a county's pages cold without rebuilding them from every village's log, and server memory
-- does not grow with the number of villages. Derived data: deleting these rows loses nothing
-- (the projector rebuilds them from `changes`). The parts are opaque to the store (the county
-- web crate's encoding, which names its own version).
CREATE TABLE county_projections (
    village  BLOB PRIMARY KEY REFERENCES villages(id),
    upto     INTEGER NOT NULL,            -- log seq every part of this village is projected up to
    body     BLOB NOT NULL                -- the village-wide part (members' last sync)
) WITHOUT ROWID;

-- What each document of the village contributes (its records, their receipt times).
CREATE TABLE county_projection_docs (
    village  BLOB NOT NULL REFERENCES villages(id),
    doc      TEXT NOT NULL,
    part     BLOB NOT NULL,
    PRIMARY KEY (village, doc)
) WITHOUT ROWID;
