-- Releases (change requests), their rollout plans in phases, maintenance windows on
-- collections, org-wide blackouts and plan templates. Instants are UTC Unix seconds;
-- window times are wall-clock times in each computer's site time zone.

CREATE TABLE plan_templates (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL,          -- the zone the phases' times of day are in
    phases      TEXT NOT NULL           -- JSON array of template phases
);

CREATE TABLE releases (
    id                 INTEGER PRIMARY KEY,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    kind               TEXT NOT NULL CHECK (kind IN ('normal', 'emergency')),
    risk               TEXT NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
    justification      TEXT NOT NULL DEFAULT '',
    requester          TEXT NOT NULL DEFAULT '',
    rollback_plan      TEXT NOT NULL DEFAULT '',
    communication_plan TEXT NOT NULL DEFAULT '',
    template_id        INTEGER REFERENCES plan_templates(id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE release_updates (
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    update_id  INTEGER NOT NULL REFERENCES updates(id),
    PRIMARY KEY (release_id, update_id)
) WITHOUT ROWID;

CREATE TABLE phases (
    id                 INTEGER PRIMARY KEY,
    release_id         INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    name               TEXT NOT NULL,
    -- A collection a phase targets cannot be deleted (no cascade).
    collection_id      INTEGER NOT NULL REFERENCES collections(id),
    available_at       INTEGER NOT NULL,
    deadline_at        INTEGER NOT NULL CHECK (deadline_at > available_at),
    rerun_days         INTEGER NOT NULL CHECK (rerun_days BETWEEN 1 AND 365),
    success_percent    REAL CHECK (success_percent BETWEEN 0 AND 100),
    success_count      INTEGER CHECK (success_count >= 0),
    failure_percent    REAL NOT NULL CHECK (failure_percent BETWEEN 0 AND 100),
    advance            TEXT NOT NULL CHECK (advance IN ('automatic', 'manual')),
    advance_after_days INTEGER NOT NULL DEFAULT 0 CHECK (advance_after_days BETWEEN 0 AND 90),
    overnight_date     TEXT,            -- YYYY-MM-DD: the night computers are asked to stay on
    -- Raised on every change of time, for calendar clients (RFC 5545 SEQUENCE).
    sequence           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (release_id, position)
);
CREATE INDEX phases_collection ON phases(collection_id);
CREATE INDEX phases_available ON phases(available_at);

CREATE TABLE maintenance_windows (
    id               INTEGER PRIMARY KEY,
    collection_id    INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    recurrence       TEXT NOT NULL,     -- JSON: daily, weekly on days, monthly nth weekday + N
    start_time       TEXT NOT NULL,     -- HH:MM, local time at each computer's site
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440)
);
CREATE INDEX maintenance_windows_collection ON maintenance_windows(collection_id);

CREATE TABLE blackouts (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at   INTEGER NOT NULL CHECK (ends_at > starts_at)
);
