-- Taizhang sync server, PostgreSQL backend, schema 1. Forward-only: never edit, add a new file.
-- Laid out to shard by village: the village id leads every primary key and index, and
-- nothing refers across villages (no global sequence, no cross-village key), so Citus,
-- YugabyteDB or CockroachDB can distribute all three tables by `village` and co-locate a
-- village's rows on one node. See README, "PostgreSQL and scaling out".

CREATE TABLE villages (
    village     uuid PRIMARY KEY,
    name        text NOT NULL,
    created_at  bigint NOT NULL,              -- server clock, UTC ms
    -- The last log sequence number handed out in this village. A push with new changes
    -- takes the next numbers by `UPDATE ... SET last_seq = last_seq + n` in its own
    -- transaction: the row lock serialises a village's writers until commit, so within a
    -- village the order of `seq` is the order of commits, which the device's cursor needs.
    last_seq    bigint NOT NULL DEFAULT 0
);

-- Every change ever accepted, append-only. (village, seq) is the log devices read by cursor.
CREATE TABLE changes (
    village      uuid NOT NULL REFERENCES villages (village),
    seq          bigint NOT NULL,
    doc          text NOT NULL,
    hash         bytea NOT NULL,              -- SHA-256 of the change
    actor        bytea NOT NULL,              -- Automerge actor that made it
    device_time  bigint NOT NULL,             -- the device's clock (UTC ms), as claimed
    received_at  bigint NOT NULL,             -- the server's clock when first received (UTC ms)
    bytes        bytea NOT NULL,
    PRIMARY KEY (village, seq),
    UNIQUE (village, doc, hash)
);

-- Current heads of each document, maintained in the same transaction as `changes`; its row
-- is also the lock that serialises pushes to one document.
CREATE TABLE docs (
    village  uuid NOT NULL REFERENCES villages (village),
    doc      text NOT NULL,
    heads    bytea NOT NULL,                  -- concatenated 32-byte hashes, sorted
    PRIMARY KEY (village, doc)
);
