-- Taizhang sync server (SQLite), schema 10: one village's team is read through indexes (the peer
-- credentials and relayed pushes, issue 20), not by scanning a province's accounts and devices.
-- Forward-only: never edit, add a new file.
CREATE INDEX accounts_by_village ON accounts (village);
CREATE INDEX devices_by_account ON devices (account);
