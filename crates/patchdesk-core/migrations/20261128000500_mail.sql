-- Notification e-mail templates: Markdown with minijinja variables. An announcement has a
-- text per update-client policy (what a user must do differs); other kinds have one.
CREATE TABLE mail_templates (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('announcement', 'overnight', 'deadline', 'rollout_completed', 'rollout_failed')),
    policy     TEXT CHECK (policy IS NULL OR policy IN ('notify_download', 'auto_download_notify_install',
                                                       'auto_download_scheduled', 'configmgr_advertised')),
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    builtin    INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX mail_templates_kind_policy ON mail_templates(kind, ifnull(policy, ''));

-- A campaign: one kind of message for one phase's audience. The templates it uses are
-- copied in when it is created, so later edits do not change what a retry sends.
CREATE TABLE campaigns (
    id               INTEGER PRIMARY KEY,
    release_id       INTEGER NOT NULL REFERENCES releases(id),
    phase_id         INTEGER NOT NULL REFERENCES phases(id),
    phase_sequence   INTEGER NOT NULL,  -- the phase's SEQUENCE when created: a later one means it moved
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    -- draft: created, to be previewed and sent; scheduled: goes out at send_at by itself.
    state            TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled')),
    send_at          INTEGER NOT NULL,
    flag_text        TEXT,
    flag_due_at      INTEGER,
    reminder         TEXT,              -- JSON: title, date, local time, minutes; NULL = none
    templates        TEXT NOT NULL,     -- JSON: policy ('' for any) -> {subject, body}
    sender           TEXT NOT NULL,     -- JSON: {name, email}
    skipped          TEXT NOT NULL DEFAULT '[]', -- JSON: computers left out and why
    created_by       TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    completed_at     INTEGER
);
CREATE INDEX campaigns_phase ON campaigns(phase_id);

-- The transactional outbox: one row per recipient (and one per call-off message). The
-- Message-ID is fixed when the row is created and reused on every retry.
CREATE TABLE campaign_messages (
    id                 INTEGER PRIMARY KEY,
    campaign_id        INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    purpose            TEXT NOT NULL DEFAULT 'notice' CHECK (purpose IN ('notice', 'cancel')),
    email              TEXT NOT NULL,
    name               TEXT NOT NULL,
    data               TEXT NOT NULL,   -- JSON: the recipient's computers, site and policy
    message_id         TEXT NOT NULL UNIQUE,
    invite_uid         TEXT,
    invite_sequence    INTEGER,
    state              TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    INTEGER NOT NULL,
    sent_at            INTEGER,
    last_error         TEXT,
    -- Set when a send may have reached the server before it failed (or the sender died):
    -- the one retry carries the same Message-ID, so a duplicate can be recognised.
    possible_duplicate INTEGER NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, purpose, email)
);
CREATE INDEX campaign_messages_due ON campaign_messages(state, next_attempt_at);

-- One calendar reminder per phase, kind of message and recipient (an overnight reminder
-- and a deadline reminder are two events): the UID stays, SEQUENCE rises when the time
-- changes or the reminder is called off.
CREATE TABLE calendar_invites (
    phase_id  INTEGER NOT NULL REFERENCES phases(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    email     TEXT NOT NULL COLLATE NOCASE,
    uid       TEXT NOT NULL UNIQUE,
    sequence  INTEGER NOT NULL,
    start_at  INTEGER NOT NULL,
    end_at    INTEGER NOT NULL,
    cancelled INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (phase_id, kind, email)
);

-- Only one process sends at a time; a crashed holder is recognised by a stale heartbeat
-- or (same host) a process id that no longer runs.
CREATE TABLE mail_sender (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    token       TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    host        TEXT NOT NULL,
    heartbeat   INTEGER NOT NULL
);
