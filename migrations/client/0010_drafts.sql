-- Taizhang client local store, schema 10 (issue 16): drafts of the app's forms kept on disk as
-- they are typed, so a phone that kills the app (or a restart) loses nothing. One draft per
-- form (the visit form, a household's form...), the window's own JSON, removed when the form
-- is saved. Not a record: never synced, erased with the store on a wipe. And the visit that a
-- visit corrects (`amends`, like the diary's amendments). Forward-only: never edit once
-- released.
--
-- No version before this one wrote `amends` on a visit, so no visit row needs re-reading.

CREATE TABLE drafts (
    form        TEXT PRIMARY KEY,   -- which form, e.g. `visit`
    body        TEXT NOT NULL,      -- what the form held, as the window wrote it (JSON)
    saved_at    INTEGER NOT NULL    -- ms, the device's time of the last keystroke kept
);

ALTER TABLE visits ADD COLUMN amends TEXT;   -- the visit this one corrects, or NULL
