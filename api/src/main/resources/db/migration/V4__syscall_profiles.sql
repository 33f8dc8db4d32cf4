-- Syscall coverage (DESIGN section 7): one row per traced run of an app revision on a kernel profile.
-- source: 'reference' (the linux profile's traced variant, strace -f in the guest).
-- state: 'Running' while the run builds and boots, then 'Done' (calls_json set) or 'Failed' (message says why).
-- calls_json: {"<syscall>": {"<outcome>": calls, ...}, ...} with outcomes ok/stubbed/enosys/error.
CREATE TABLE syscall_profiles (
    run_id     VARCHAR(32)              NOT NULL PRIMARY KEY,
    app        VARCHAR(63)              NOT NULL REFERENCES apps (name) ON DELETE CASCADE,
    revision   INTEGER                  NOT NULL,
    kernel     VARCHAR(63)              NOT NULL,
    source     VARCHAR(16)              NOT NULL,
    state      VARCHAR(16)              NOT NULL,
    message    TEXT,
    exit_code  INTEGER,
    calls_json TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX syscall_profiles_by_app ON syscall_profiles (app, revision, created_at);
