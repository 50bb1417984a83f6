-- sitrep ledger on PostgreSQL, schema version 4: alerts and the watcher's state (as
-- ../0004_alerts.sql). The watcher follows the event change journal of version 3.

-- Alerts raised by `sitrep watch`. `key` (rule/kind/event) makes raising one twice a no-op, so a
-- restarted watcher never repeats one. `json` is the full model::Alert.
CREATE TABLE alerts (
    seq        bigserial PRIMARY KEY,
    key        text NOT NULL UNIQUE,
    rule       text NOT NULL,
    kind       text NOT NULL,
    event_id   text NOT NULL,
    date       date,
    json       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_rule_date ON alerts (rule, date);

-- Small named values the watcher keeps between runs. Values are text (often JSON).
CREATE TABLE watch_state (
    key   text PRIMARY KEY,
    value text NOT NULL
);
