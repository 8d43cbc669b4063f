-- Taizhang sync server, SQLite backend, schema 4: what county staff enter on the county page
-- (issue 5) that no field record holds: scheme A's components, training days and the seven
-- ones for a member's year (period 'YYYY'), scheme B's items for a member's month ('YYYY-MM').
-- Forward-only: never edit, add a new file. Mirrors migrations/server-postgres/0004.
CREATE TABLE county_inputs (
    village     BLOB NOT NULL REFERENCES villages(id),
    member      BLOB NOT NULL,
    period      TEXT NOT NULL,               -- 'YYYY' or 'YYYY-MM'
    data        TEXT NOT NULL,               -- JSON, validated by taizhang-county before storing
    updated_by  BLOB NOT NULL REFERENCES accounts(id),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (village, member, period)
);
