-- Taizhang sync server, PostgreSQL backend, schema 3: web log-ins of the county page (issue 5).
-- Forward-only: never edit, add a new file. Mirrors migrations/server-sqlite/0003_web_logins.sql.
-- A password hash (PBKDF2-HMAC-SHA256, salted; see taizhang-auth) per account that may log in
-- to the county page. Devices never use it: they sign challenges with their own key.
CREATE TABLE web_logins (
    account        uuid PRIMARY KEY REFERENCES accounts (id),
    password_hash  text NOT NULL,
    updated_at     bigint NOT NULL
);
