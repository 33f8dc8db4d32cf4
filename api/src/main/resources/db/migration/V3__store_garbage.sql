-- Files a deleted app leaves in the store, recorded in the same transaction that deletes its rows so
-- a farm killed mid-delete finishes the job at its next start (and never deletes what is still used:
-- every entry is re-checked against the remaining revisions before its files go).
-- kind: 'bundle' (a bundle blob), 'image' (a manifest blob and its root filesystem), 'instance' (an instance dir).
CREATE TABLE store_garbage (
    kind       VARCHAR(16)              NOT NULL,
    name       VARCHAR(71)              NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (kind, name)
);
