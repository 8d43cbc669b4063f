-- Taizhang client local store, schema 3 (issue 14): a leave request's kind (请假类别) and its
-- report back (销假, the day the member actually came back). Forward-only: never edit once
-- released.
--
-- Rows materialised by an older version read as 事假 with no report back until the team
-- documents are read again: the flag below asks the ledger to re-materialise every leave
-- request from its document the next time the store is opened (the tables are a cache).

ALTER TABLE leave_requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'personal';
ALTER TABLE leave_requests ADD COLUMN returned_on TEXT;

INSERT INTO meta (key, value) VALUES ('rematerialise_leave', '1')
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
