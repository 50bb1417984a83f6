-- sitrep ledger, schema version 4: alerts and the watcher's state. The watcher follows the event
-- change journal of version 3 (`event_changes`).

-- Alerts raised by `sitrep watch`. `key` (rule/kind/event) makes raising one twice a no-op, so a
-- restarted watcher never repeats one. `json` is the full model::Alert.
CREATE TABLE alerts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL UNIQUE,
    rule       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    date       TEXT,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX alerts_rule_date ON alerts (rule, date);

-- Small named values the watcher keeps between runs: the last event change it evaluated, each
-- sink's last delivered alert, each source's fetch state. Values are text (often JSON).
CREATE TABLE watch_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
