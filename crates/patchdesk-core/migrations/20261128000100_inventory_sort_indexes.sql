-- Indexes for the inventory's most used sorts, so a deep page does not sort 200,000 rows.
CREATE INDEX computers_last_run ON computers(last_run);
CREATE INDEX computers_os_version ON computers(os_version_key);
CREATE INDEX computers_free_disk ON computers(free_disk_gb);
