-- sitrep ledger on PostgreSQL, schema version 3: what the web UI and HTTP API need to read fast
-- (as ../0003_live_views.sql).

-- A journal of event writes, so that live views ask "what changed since N?" cheaply instead of
-- rereading the ledger. A trigger keeps it, so every writer (ingest, workers, a server) is covered.
CREATE TABLE event_changes (
    seq      bigserial PRIMARY KEY,
    event_id text NOT NULL,
    change   text NOT NULL CHECK (change IN ('created', 'updated', 'removed')),
    at       timestamptz NOT NULL DEFAULT now()
);

-- Sequence numbers are handed out in commit order: a transaction takes this transaction-scoped
-- advisory lock before its first journal entry and keeps it until it commits, so a reader that
-- has seen seq N never later finds a smaller one appear (several workers write one ledger).
-- The key is 0x5172_6570_0003, next to the merge (…0001) and migration (…0002) locks.
CREATE FUNCTION sitrep_journal_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(89551769960451);
    IF TG_OP = 'INSERT' THEN
        INSERT INTO event_changes (event_id, change) VALUES (NEW.id, 'created');
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO event_changes (event_id, change) VALUES (NEW.id, 'updated');
    ELSE
        INSERT INTO event_changes (event_id, change) VALUES (OLD.id, 'removed');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_journal AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION sitrep_journal_event();

-- Keyset pagination walks these in order (the expressions must match the queries' ORDER BY):
-- undated events sort after dated ones in both directions, unknown tolls below every toll.
CREATE INDEX events_page_date_asc ON events (coalesce(date, 'infinity'::date), id COLLATE "C");
CREATE INDEX events_page_date_desc ON events (coalesce(date, '-infinity'::date), id COLLATE "C");
CREATE INDEX events_page_fatalities ON events (coalesce(fatalities_best, -1), id COLLATE "C");

-- The widest date range stored, read with max() in O(log n): a `since` filter bounds the walk
-- of the start-date index by it.
CREATE INDEX events_date_span ON events ((date_end - date));

-- Filters and per-actor / per-place counts (actor ids are indexed by version 2).
CREATE INDEX events_admin1 ON events (lower(admin1));
CREATE INDEX events_place ON events (place_id);
