-- Taizhang sync server, SQLite backend, schema 2: places, accounts, devices (issue 4).
-- Forward-only: never edit, add a new file. Kept to portable SQL (PostgreSQL mirrors it).
CREATE TABLE counties (
    id          BLOB PRIMARY KEY,          -- 16-byte UUID
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE townships (
    id          BLOB PRIMARY KEY,
    county      BLOB NOT NULL REFERENCES counties(id),
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- A village belongs to one township (NULL: not placed yet; only its team can see it).
ALTER TABLE villages ADD COLUMN township BLOB REFERENCES townships(id);

-- One person, one role. Team roles have a village (the id is also their member id there);
-- township and county staff have a township or a county.
CREATE TABLE accounts (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,             -- member | first_secretary | township | county | admin
    village     BLOB REFERENCES villages(id),
    township    BLOB REFERENCES townships(id),
    county      BLOB REFERENCES counties(id),
    created_at  INTEGER NOT NULL
);

-- Enrolled devices: the ed25519 public key it signs in with, and the Automerge actor every
-- change it pushes must carry. Revoked devices are kept (their changes stay attributed).
CREATE TABLE devices (
    id           BLOB PRIMARY KEY,
    account      BLOB NOT NULL REFERENCES accounts(id),
    name         TEXT NOT NULL,
    public_key   BLOB NOT NULL UNIQUE,
    actor        BLOB NOT NULL UNIQUE,
    enrolled_at  INTEGER NOT NULL,
    revoked_at   INTEGER
);

-- One-time enrollment codes, stored as SHA-256 hashes only.
CREATE TABLE enrollment_codes (
    code_hash   BLOB PRIMARY KEY,
    account     BLOB NOT NULL REFERENCES accounts(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    device      BLOB REFERENCES devices(id)
);

-- The server's token key (one row), shared by every server instance on this database.
CREATE TABLE server_keys (
    id          INTEGER PRIMARY KEY,
    secret      BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);
