-- Issue 18: how each instance began ('boot' or 'restore' of a snapshot).
ALTER TABLE instances ADD COLUMN activation VARCHAR(16) DEFAULT 'boot' NOT NULL;

-- Memory snapshots of HTTP apps (docs/gateway.md "Snapshots"): one per revision, kernel profile, QEMU version and
-- memory size. The files are content-addressed blobs under <data>/snapshots/blobs/sha256/ and are written before
-- the row; rows go with their revision (and so with their app). ram_mtime_ms and ram_bytes are checked before each
-- restore (a full digest of the RAM file is too slow for every cold start), the state's digest every time.
CREATE TABLE snapshots (
    app                 VARCHAR(63)              NOT NULL,
    revision            INTEGER                  NOT NULL,
    profile             VARCHAR(63)              NOT NULL,
    qemu_version        VARCHAR(64)              NOT NULL,
    memory_mib          INTEGER                  NOT NULL,
    state_digest        VARCHAR(71)              NOT NULL,
    state_bytes         BIGINT                   NOT NULL,
    ram_digest          VARCHAR(71)              NOT NULL,
    ram_bytes           BIGINT                   NOT NULL,
    ram_allocated_bytes BIGINT                   NOT NULL,
    ram_mtime_ms        BIGINT                   NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    restores            INTEGER                  DEFAULT 0 NOT NULL,
    PRIMARY KEY (app, revision, profile, qemu_version, memory_mib),
    FOREIGN KEY (app, revision) REFERENCES revisions (app, number) ON DELETE CASCADE
);
