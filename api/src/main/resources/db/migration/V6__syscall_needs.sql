-- Needs sweeps (docs/coverage.md, "What an app really needs"): one row per sweep of an app revision's reference
-- syscalls, each stubbed (ENOSYS) and faked (return 0) in turn on the linux profile's traced variant.
-- state: 'Running' (or 'Waiting' for capacity) while it builds and boots, then 'Done' (result_json set) or 'Failed'.
-- trials_done / trials_planned: progress (planned is the most trials the sweep can take; it ends sooner when stubs pass).
-- result_json: the scheduler's NeedsSweepResult (baseline trial, per syscall its class and deciding trials).
CREATE TABLE syscall_needs (
    run_id         VARCHAR(32)              NOT NULL PRIMARY KEY,
    app            VARCHAR(63)              NOT NULL REFERENCES apps (name) ON DELETE CASCADE,
    revision       INTEGER                  NOT NULL,
    reference_run  VARCHAR(32)              NOT NULL,
    state          VARCHAR(16)              NOT NULL,
    message        TEXT,
    trials_done    INTEGER                  NOT NULL,
    trials_planned INTEGER                  NOT NULL,
    result_json    TEXT,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at    TIMESTAMP WITH TIME ZONE
);

CREATE INDEX syscall_needs_by_app ON syscall_needs (app, revision, created_at);
