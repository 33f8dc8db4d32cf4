-- One schema for H2 (embedded default) and PostgreSQL (clusters): portable types only.
CREATE TABLE apps (
    name            VARCHAR(63)              NOT NULL PRIMARY KEY,
    spec_json       TEXT                     NOT NULL,
    latest_revision INTEGER                  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE revisions (
    app           VARCHAR(63)              NOT NULL REFERENCES apps (name) ON DELETE CASCADE,
    number        INTEGER                  NOT NULL,
    state         VARCHAR(16)              NOT NULL,
    bundle_digest VARCHAR(71)              NOT NULL,
    spec_json     TEXT                     NOT NULL,
    image_digest  VARCHAR(71),
    message       TEXT,
    sizes_json    TEXT,
    build_log     TEXT,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (app, number)
);

CREATE TABLE instances (
    id          VARCHAR(32)              NOT NULL PRIMARY KEY,
    app         VARCHAR(63)              NOT NULL,
    revision    INTEGER                  NOT NULL,
    state       VARCHAR(16)              NOT NULL,
    exit_code   INTEGER,
    restarts    INTEGER                  NOT NULL DEFAULT 0,
    reason      VARCHAR(64),
    message     TEXT,
    endpoint    VARCHAR(255),
    accel       VARCHAR(8),
    node        VARCHAR(255),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE,
    ready_at    TIMESTAMP WITH TIME ZONE,
    finished_at TIMESTAMP WITH TIME ZONE
);

CREATE INDEX instances_by_app ON instances (app, created_at);
