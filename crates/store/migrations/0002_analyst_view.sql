-- sitrep ledger, schema version 2: conveniences for analysts reading the file with SQLite tools.

-- "Which events cite this article?" and "what is this actor blamed for?" without a table scan.
CREATE INDEX event_sources_article ON event_sources (article_id);
CREATE INDEX attributions_actor ON attributions (actor_id);

-- One row per event with its most useful columns, how many sources report it, every outlet that
-- carried one of those reports (syndicated copies included), and its attributions in one line.
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
        SELECT group_concat(outlet, '; ')
        FROM (
            SELECT o.outlet AS outlet
            FROM event_sources s
            JOIN article_outlets o ON o.article_id = s.article_id
            WHERE s.event_id = e.id AND o.outlet IS NOT NULL
            UNION
            SELECT s.outlet
            FROM event_sources s
            WHERE s.event_id = e.id AND s.outlet IS NOT NULL
            ORDER BY 1
        )
    ) AS outlets,
    (
        SELECT group_concat(a.stance || ': ' || a.actor, '; ')
        FROM attributions a
        WHERE a.event_id = e.id
    ) AS attributions,
    e.updated_at
FROM events e;
