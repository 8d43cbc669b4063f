-- Taizhang client local store, schema 13 (issues 19 and 22): photos and scans on a household
-- (its details), a follow-up item, a project's progress update and a plan item (the signed
-- responsibility letter), and the project a follow-up item became or joined (转为项目 / 并入项目).
-- Each record keeps its attachments' hashes in its JSON (`record`, a household's `details`);
-- a follow-up item's project is also a column, so a project's linked items are one indexed
-- read. Forward-only: never edit once released.
--
-- A device of schema 12 that received these fields from a newer teammate's phone kept rows
-- without them: the registry is read again from its documents on the next open.

ALTER TABLE follow_ups ADD COLUMN project TEXT;   -- the project it became or joined, or NULL
CREATE INDEX follow_ups_by_project ON follow_ups(project);

INSERT INTO meta (key, value) VALUES ('rematerialise_registry', '1')
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
