-- Taizhang client local store, schema 4 (issue 14, seed 002): the monthly score sheets
-- (scheme B, 月度考核) of the team documents, `score/<YYYY-MM>-<member uuid>`: the first
-- secretary's items, the township's check and the county's audit. Forward-only: never edit
-- once released.
--
-- A sheet an older version received by sync stayed in its document, not indexed: the flag
-- below asks the ledger to materialise every score sheet from the team documents the next
-- time the store is opened (the tables are a cache).

CREATE TABLE score_sheets (
    member        TEXT NOT NULL,
    month         TEXT NOT NULL,            -- 'YYYY-MM'
    items         TEXT NOT NULL,            -- JSON array of {"kind", "points", "reason"}
    note          TEXT NOT NULL,
    scored_by     TEXT NOT NULL,
    scored_at     INTEGER NOT NULL,
    state         TEXT NOT NULL,            -- 'entered' | 'confirmed' | 'returned' | 'audited'
    checked_by    TEXT,
    checked_at    INTEGER,
    check_note    TEXT NOT NULL,
    audited_by    TEXT,
    audited_at    INTEGER,
    audit_points  REAL,
    audit_note    TEXT NOT NULL,
    conflicts     TEXT NOT NULL DEFAULT '[]',
    doc           TEXT NOT NULL,
    PRIMARY KEY (member, month)
) WITHOUT ROWID;
CREATE INDEX score_sheets_by_month ON score_sheets(month, member);

INSERT INTO meta (key, value) VALUES ('rematerialise_scores', '1')
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
