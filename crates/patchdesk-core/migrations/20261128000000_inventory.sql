-- Sites: every computer belongs to one; local times are computed in the site's IANA zone.
CREATE TABLE sites (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    time_zone   TEXT NOT NULL
);

-- Computers. Instants are UTC unix seconds. os_version_key is the OS version with every
-- component zero-padded, so that text order is version order (10.0.9600 < 10.0.19045).
CREATE TABLE computers (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    domain          TEXT NOT NULL DEFAULT '',
    site_id         INTEGER NOT NULL REFERENCES sites(id),
    department      TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('workstation', 'server')),
    os_name         TEXT NOT NULL DEFAULT '',
    os_version      TEXT NOT NULL DEFAULT '',
    os_version_key  TEXT NOT NULL DEFAULT '',
    owner_name      TEXT NOT NULL DEFAULT '',
    owner_email     TEXT NOT NULL DEFAULT '',
    last_seen       INTEGER,
    last_run        INTEGER,
    free_disk_gb    REAL,
    agent_version   TEXT NOT NULL DEFAULT '',
    agent_state     TEXT NOT NULL DEFAULT 'unknown'
                    CHECK (agent_state IN ('running', 'stopped', 'not_installed', 'unknown')),
    client_policy   TEXT NOT NULL
                    CHECK (client_policy IN ('notify_download', 'auto_download_notify_install',
                                             'auto_download_scheduled', 'configmgr_advertised')),
    prerequisites   TEXT NOT NULL DEFAULT '{}' -- JSON object: name -> version
);
CREATE INDEX computers_site ON computers(site_id, name);
CREATE INDEX computers_last_seen ON computers(last_seen);

-- The update catalogue, keyed by KB number.
CREATE TABLE updates (
    id               INTEGER PRIMARY KEY,
    kb               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    bulletin_id      TEXT NOT NULL DEFAULT '',
    title            TEXT NOT NULL,
    classification   TEXT NOT NULL,
    severity         TEXT NOT NULL,
    product          TEXT NOT NULL DEFAULT '',
    release_date     TEXT,            -- YYYY-MM-DD
    superseded_by    TEXT NOT NULL DEFAULT '',
    reboot_required  INTEGER NOT NULL DEFAULT 0 CHECK (reboot_required IN (0, 1)),
    uninstallable    INTEGER NOT NULL DEFAULT 0 CHECK (uninstallable IN (0, 1)),
    max_run_minutes  INTEGER NOT NULL DEFAULT 60 CHECK (max_run_minutes BETWEEN 1 AND 1440)
);
CREATE INDEX updates_release_date ON updates(release_date);
