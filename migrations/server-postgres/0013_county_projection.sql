-- Issue 23: the county read model kept in the database, so that any server instance answers
-- a county's pages cold without rebuilding them from every village's log, and server memory
-- does not grow with the number of villages. Derived data: deleting these rows loses nothing
-- (the projector rebuilds them from `changes`). Keyed by village first, like the log, so the
-- tables shard with it. The parts are opaque to the store (the county web crate's encoding,
-- which names its own version).
CREATE TABLE county_projections (
    village  uuid PRIMARY KEY REFERENCES villages (village),
    upto     bigint NOT NULL,                 -- log seq every part of this village is projected up to
    body     bytea NOT NULL                   -- the village-wide part (members' last sync)
);

-- What each document of the village contributes (its records, their receipt times).
CREATE TABLE county_projection_docs (
    village  uuid NOT NULL REFERENCES villages (village),
    doc      text NOT NULL,
    part     bytea NOT NULL,
    PRIMARY KEY (village, doc)
);
