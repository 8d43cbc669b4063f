-- Issue 23: each document's compacted saved form (Automerge's `save`), refreshed as its log
-- grows. A push check loads it and the changes stored after it instead of the whole history.
-- Derived data: deleting a row loses nothing (the document is loaded from `changes` again).
CREATE TABLE snapshots (
    village  BLOB NOT NULL REFERENCES villages(id),
    doc      TEXT NOT NULL,
    upto     INTEGER NOT NULL,            -- log seq of the last change of `doc` it holds
    bytes    BLOB NOT NULL,               -- an Automerge document chunk
    PRIMARY KEY (village, doc)
) WITHOUT ROWID;

-- The changes of one document after a log position (the tail after its saved form).
CREATE INDEX changes_by_doc_seq ON changes(village, doc, seq);
