-- Taizhang sync server, PostgreSQL backend, schema 2: places, accounts, devices (issue 4).
-- Forward-only: never edit, add a new file. Mirrors migrations/server-sqlite/0002_accounts.sql.
--
-- Sharding: unlike `villages`, `changes` and `docs`, these are small reference tables, not
-- per-village: a few thousand places and accounts, a device or two per account, one key. A
-- distributed engine keeps a full copy of each on every node (Citus:
-- `create_reference_table`), so every village's shard reads them locally. Foreign keys may
-- point from a distributed table to a reference table (`villages.township`) but not the other
-- way, so `accounts.village` carries no foreign key to `villages`: `create_account` checks the
-- village exists in its transaction (villages are never deleted). See README, "PostgreSQL and
-- scaling out".

CREATE TABLE counties (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    created_at  bigint NOT NULL                -- server clock, UTC ms
);

CREATE TABLE townships (
    id          uuid PRIMARY KEY,
    county      uuid NOT NULL REFERENCES counties (id),
    name        text NOT NULL,
    created_at  bigint NOT NULL
);

-- A village belongs to one township (NULL: not placed yet; only its team can see it).
ALTER TABLE villages ADD COLUMN township uuid REFERENCES townships (id);

-- One person, one role. Team roles have a village (the id is also their member id there);
-- township and county staff have a township or a county.
CREATE TABLE accounts (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    role        text NOT NULL,                 -- member | first_secretary | township | county | admin
    village     uuid,                          -- a village id (checked by create_account, see above)
    township    uuid REFERENCES townships (id),
    county      uuid REFERENCES counties (id),
    created_at  bigint NOT NULL
);

-- Enrolled devices: the ed25519 public key it signs in with, and the Automerge actor every
-- change it pushes must carry. Revoked devices are kept (their changes stay attributed).
CREATE TABLE devices (
    id           uuid PRIMARY KEY,
    account      uuid NOT NULL REFERENCES accounts (id),
    name         text NOT NULL,
    public_key   bytea NOT NULL UNIQUE,
    actor        bytea NOT NULL UNIQUE,
    enrolled_at  bigint NOT NULL,
    revoked_at   bigint
);

-- One-time enrollment codes, stored as SHA-256 hashes only.
CREATE TABLE enrollment_codes (
    code_hash   bytea PRIMARY KEY,
    account     uuid NOT NULL REFERENCES accounts (id),
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL,
    used_at     bigint,
    device      uuid REFERENCES devices (id)
);

-- The server's token key (one row), shared by every server instance on this database.
CREATE TABLE server_keys (
    id          integer PRIMARY KEY CHECK (id = 1),
    secret      bytea NOT NULL,
    created_at  bigint NOT NULL
);
