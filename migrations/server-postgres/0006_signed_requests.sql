-- Taizhang sync server, PostgreSQL backend, schema 6 (issue 23): authentication inside the
-- sync request. Forward-only: never edit, add a new file. Mirrors migrations/server-sqlite/0006.
-- The stamp of the last request a device signed with its key (server time as the device
-- estimated it, ms): a signed request is accepted only with a newer stamp, so a captured one
-- cannot be replayed. NULL until the device signs its first request.
ALTER TABLE devices ADD COLUMN last_signed_at bigint;
