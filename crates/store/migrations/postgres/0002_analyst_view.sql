-- sitrep ledger on PostgreSQL, schema version 2: the analyst view of ../0002_analyst_view.sql, and
-- the indexes that keep the event filters fast at tens of millions of events.

CREATE INDEX event_sources_article ON event_sources (article_id);
CREATE INDEX attributions_actor ON attributions (actor_id);

-- Filters by type and by actor id; the id prefix lookup of `sitrep show`.
CREATE INDEX events_type ON events (lower(event_type), date);
CREATE INDEX events_sub_type ON events (lower(sub_event_type), date);
CREATE INDEX events_actor1 ON events (actor1_id);
CREATE INDEX events_actor2 ON events (actor2_id);
CREATE INDEX events_id_prefix ON events (id text_pattern_ops);

-- Bounding boxes: a GiST index over the built-in point type answers `point <@ box` without
-- PostGIS (a box is all the map asks for; PostGIS adds nothing to it and is often not installed).
CREATE INDEX events_point ON events USING gist (point(longitude, latitude)) WHERE latitude IS NOT NULL;

-- Substring search of actor names (`--actor`), when the server has pg_trgm (a trusted contrib
-- extension): trigram indexes serve `lower(actor1) LIKE '%…%'`. Without it the filter still works
-- by scanning.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX events_actor1_trgm ON events USING gin (lower(actor1) gin_trgm_ops);
        CREATE INDEX events_actor2_trgm ON events USING gin (lower(actor2) gin_trgm_ops);
        CREATE INDEX events_assoc_trgm ON events USING gin (lower(assoc_actors) gin_trgm_ops);
    END IF;
END
$$;

CREATE VIEW v_events AS
SELECT
    e.id,
    e.date,
    e.date_end,
    e.date_precision,
    e.event_type,
    e.sub_event_type,
    e.country,
    e.admin1,
    e.location,
    e.latitude,
    e.longitude,
    e.geo_precision,
    e.actor1,
    e.actor2,
    e.assoc_actors,
    e.weapon,
    e.fatalities_low,
    e.fatalities_best,
    e.fatalities_high,
    e.injured_low,
    e.injured_best,
    e.injured_high,
    (SELECT count(*) FROM event_sources s WHERE s.event_id = e.id) AS n_sources,
    e.n_articles,
    (
        SELECT string_agg(outlet, '; ' ORDER BY outlet COLLATE "C")
        FROM (
            SELECT o.outlet AS outlet
            FROM event_sources s
            JOIN article_outlets o ON o.article_id = s.article_id
            WHERE s.event_id = e.id AND o.outlet IS NOT NULL
            UNION
            SELECT s.outlet
            FROM event_sources s
            WHERE s.event_id = e.id AND s.outlet IS NOT NULL
        ) AS carried
    ) AS outlets,
    (
        SELECT string_agg(a.stance || ': ' || a.actor, '; ')
        FROM attributions a
        WHERE a.event_id = e.id
    ) AS attributions,
    e.updated_at
FROM events e;
