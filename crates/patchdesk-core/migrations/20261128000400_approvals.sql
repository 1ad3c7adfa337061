-- People, the release lifecycle, approvals, settings and the hash-chained audit trail.

CREATE TABLE people (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email   TEXT NOT NULL DEFAULT '',
    -- The operating-system account that defaults to this person at start-up.
    os_user TEXT NOT NULL DEFAULT '',
    -- JSON array of: requester, approver, change_manager, administrator
    roles   TEXT NOT NULL DEFAULT '[]'
);

ALTER TABLE releases ADD COLUMN state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN (
    'draft', 'submitted', 'approved', 'rejected', 'changes_requested', 'scheduled',
    'in_progress', 'halted', 'completed', 'rolled_back', 'cancelled', 'review_due', 'closed'));
-- Who submitted it: they can never approve it.
ALTER TABLE releases ADD COLUMN requester_id INTEGER REFERENCES people(id);
ALTER TABLE releases ADD COLUMN review_required INTEGER NOT NULL DEFAULT 0;

CREATE TABLE approvals (
    id             INTEGER PRIMARY KEY,
    release_id     INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    -- Set for a per-phase approval.
    phase_id       INTEGER REFERENCES phases(id) ON DELETE CASCADE,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    decision       TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'request_changes')),
    comment        TEXT NOT NULL DEFAULT '',
    at             INTEGER NOT NULL,
    revoked_at     INTEGER,
    revoked_reason TEXT
);
CREATE INDEX approvals_release ON approvals(release_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);

-- Append-only and hash-chained: each row holds the previous row's hash and the SHA-256
-- of its own content with that hash, so an edited, removed, swapped or inserted row
-- breaks the chain at that row.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER,
    detail    TEXT NOT NULL,        -- JSON: before/after and anything else that matters
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be deleted');
END;
