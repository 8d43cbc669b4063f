-- Taizhang sync server, PostgreSQL backend, schema 5 (issue 15, hole 9): actor reuse.
-- Forward-only: never edit, add a new file. Mirrors migrations/server-sqlite/0005.
-- Each change's Automerge sequence number beside its actor, so a push that reuses an actor's
-- number with different content (a phone restored from an old copy of its store) is refused
-- instead of stored. NULL for changes stored before this schema (the server fills them in
-- when it opens the database).
ALTER TABLE changes ADD COLUMN actor_seq bigint;
CREATE INDEX changes_by_actor_seq ON changes(village, doc, actor, actor_seq);

-- Further Automerge actors bound to a device (taken when the server refused its old one as
-- reused): its changes may carry any of them. An actor belongs to one device only.
CREATE TABLE device_actors (
    actor       bytea PRIMARY KEY,
    device      uuid NOT NULL REFERENCES devices (id),
    added_at    bigint NOT NULL
);
CREATE INDEX device_actors_by_device ON device_actors(device);
