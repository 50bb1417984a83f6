-- sitrep ledger on PostgreSQL, schema version 1: every table. The same tables and columns as the
-- SQLite ledger (../0001_initial.sql), in PostgreSQL's own types:
--   * dates are `date`, timestamps `timestamptz`, coordinates `double precision`;
--   * a `json` column (jsonb, so analysts can query into it) holds the full model value that
--     sitrep reads back; every other column of that row is a copy of one of its fields;
--   * byte offsets (`*_start`, `*_end`) are half-open ranges into `articles.text`.
-- Text ids are compared and ordered with COLLATE "C" by sitrep, so order is byte order as in SQLite
-- whatever the database's locale.

CREATE TABLE articles (
    id            text PRIMARY KEY,
    source_id     text,
    url           text,
    outlet        text,
    title         text,
    published     date,
    lang          text,
    text          text NOT NULL,
    -- JSON array of recognised mentions (actors, places, times, quantities, weapons).
    mentions_json jsonb NOT NULL DEFAULT '[]',
    first_seen    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_published ON articles (published);

CREATE TABLE article_outlets (
    id         bigserial PRIMARY KEY,
    article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    outlet     text,
    url        text,
    title      text,
    published  date,
    source_id  text,
    origin     text NOT NULL,
    seen_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX article_outlets_key ON article_outlets (article_id, coalesce(outlet, ''), coalesce(url, ''));
CREATE INDEX article_outlets_outlet ON article_outlets (outlet);

CREATE TABLE events (
    id              text PRIMARY KEY,
    event_type      text NOT NULL,
    sub_event_type  text NOT NULL,
    date            date,
    date_end        date,
    date_precision  text,
    country         text,
    admin1          text,
    location        text,
    place_id        text,
    latitude        double precision,
    longitude       double precision,
    geo_precision   integer,
    actor1          text,
    actor1_id       text,
    actor2          text,
    actor2_id       text,
    -- Names of associated actors, separated by '; '.
    assoc_actors    text,
    weapon          text,
    fatalities_low  bigint,
    fatalities_best bigint,
    fatalities_high bigint,
    injured_low     bigint,
    injured_best    bigint,
    injured_high    bigint,
    n_articles      integer NOT NULL,
    n_outlets       integer NOT NULL,
    json            jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_date ON events (date, id COLLATE "C");
CREATE INDEX events_country ON events (upper(country), date);

CREATE TABLE event_mentions (
    id             text PRIMARY KEY,
    article_id     text NOT NULL REFERENCES articles (id),
    event_id       text REFERENCES events (id) ON DELETE SET NULL,
    sub_event_type text NOT NULL,
    date_start     date,
    date_end       date,
    json           jsonb NOT NULL
);
CREATE INDEX event_mentions_dates ON event_mentions (date_start, date_end);
CREATE INDEX event_mentions_event ON event_mentions (event_id);
CREATE INDEX event_mentions_article ON event_mentions (article_id);

CREATE TABLE event_sources (
    event_id       text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    mention_id     text NOT NULL REFERENCES event_mentions (id),
    article_id     text NOT NULL,
    url            text,
    outlet         text,
    outlets        text,
    published      date,
    sentence       text NOT NULL,
    sentence_start integer NOT NULL,
    sentence_end   integer NOT NULL,
    PRIMARY KEY (event_id, mention_id)
);

CREATE TABLE attributions (
    event_id       text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    actor          text NOT NULL,
    actor_id       text NOT NULL,
    stance         text NOT NULL,
    by_actor       text,
    by_actor_id    text,
    article_id     text NOT NULL,
    sentence_start integer NOT NULL,
    sentence_end   integer NOT NULL
);
CREATE INDEX attributions_event ON attributions (event_id);

CREATE TABLE actors (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    actor_type text NOT NULL,
    country    text
);

CREATE TABLE places (
    id        text PRIMARY KEY,
    name      text NOT NULL,
    country   text NOT NULL,
    admin1    text,
    latitude  double precision NOT NULL,
    longitude double precision NOT NULL,
    kind      text NOT NULL
);

CREATE TABLE ingest_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    origin   text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
    code     text NOT NULL,
    message  text NOT NULL
);
