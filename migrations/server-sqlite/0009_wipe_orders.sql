-- Remote wipe (issue 21): when an administrator ordered a revoked device to erase its store.
-- The device may still push what it has not synced; then every answer tells it to erase.
ALTER TABLE devices ADD COLUMN wipe_ordered_at INTEGER;
