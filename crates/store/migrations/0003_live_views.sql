-- sitrep ledger, schema version 3: what the web UI and HTTP API need to read fast.

-- A journal of event writes, so that live views ask "what changed since N?" cheaply instead of
-- rereading the ledger. Triggers keep it, so every writer (ingest, watch, a server) is covered.
CREATE TABLE event_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    change   TEXT NOT NULL CHECK (change IN ('created', 'updated', 'removed')),
    at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TRIGGER events_journal_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_changes (event_id, change) VALUES (NEW.id, 'created');
END;
CREATE TRIGGER events_journal_update AFTER UPDATE ON events BEGIN
    INSERT INTO event_changes (event_id, change) VALUES (NEW.id, 'updated');
END;
CREATE TRIGGER events_journal_delete AFTER DELETE ON events BEGIN
    INSERT INTO event_changes (event_id, change) VALUES (OLD.id, 'removed');
END;

-- Keyset pagination walks these in order (the expressions must match the queries' ORDER BY):
-- undated events sort after dated ones in both directions, unknown tolls below every toll.
CREATE INDEX events_page_date_asc ON events (coalesce(date, '~'), id);
CREATE INDEX events_page_date_desc ON events (coalesce(date, ''), id);
CREATE INDEX events_page_fatalities ON events (coalesce(fatalities_best, -1), id);

-- The widest date range stored, read with max() in O(log n): a `since` filter bounds the walk
-- of the start-date index by it.
CREATE INDEX events_date_span ON events ((julianday(date_end) - julianday(date)));

-- Filters and per-actor / per-place counts.
CREATE INDEX events_admin1 ON events (admin1);
CREATE INDEX events_actor1 ON events (actor1_id);
CREATE INDEX events_actor2 ON events (actor2_id);
CREATE INDEX events_place ON events (place_id);
