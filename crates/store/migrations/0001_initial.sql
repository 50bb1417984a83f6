-- sitrep ledger, schema version 1: every table.
--
-- Conventions, so that the file reads well with plain SQLite tools:
--   * dates are ISO-8601 text (YYYY-MM-DD), timestamps UTC ISO-8601 text (YYYY-MM-DDTHH:MM:SSZ);
--   * a `json` column holds the full model value that sitrep reads back; every other column of
--     that row is a copy of one of its fields, kept for querying and never the source of truth;
--   * byte offsets (`*_start`, `*_end`) are half-open ranges into `articles.text`.

-- One article per distinct text; `id` is the hash of the normalised text.
CREATE TABLE articles (
    id            TEXT PRIMARY KEY,
    source_id     TEXT,
    url           TEXT,
    outlet        TEXT,
    title         TEXT,
    published     TEXT,
    lang          TEXT,
    text          TEXT NOT NULL,
    -- JSON array of recognised mentions (actors, places, times, quantities, weapons).
    mentions_json TEXT NOT NULL DEFAULT '[]',
    first_seen    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX articles_published ON articles (published);

-- Every outlet and url that carried an article's text: syndicated copies are several rows here.
CREATE TABLE article_outlets (
    id         INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    outlet     TEXT,
    url        TEXT,
    title      TEXT,
    published  TEXT,
    source_id  TEXT,
    -- The input it was read from: a path, or path:line for JSONL.
    origin     TEXT NOT NULL,
    seen_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
-- NULLs never collide in a UNIQUE constraint, so a missing outlet or url is keyed as ''.
CREATE UNIQUE INDEX article_outlets_key ON article_outlets (article_id, ifnull(outlet, ''), ifnull(url, ''));
CREATE INDEX article_outlets_outlet ON article_outlets (outlet);

-- Merged events. `json` is the full model::Event.
CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    event_type      TEXT NOT NULL,
    sub_event_type  TEXT NOT NULL,
    date            TEXT,
    date_end        TEXT,
    date_precision  TEXT,
    country         TEXT,
    admin1          TEXT,
    location        TEXT,
    place_id        TEXT,
    latitude        REAL,
    longitude       REAL,
    geo_precision   INTEGER,
    actor1          TEXT,
    actor1_id       TEXT,
    actor2          TEXT,
    actor2_id       TEXT,
    -- Names of associated actors, separated by '; '.
    assoc_actors    TEXT,
    weapon          TEXT,
    fatalities_low  INTEGER,
    fatalities_best INTEGER,
    fatalities_high INTEGER,
    injured_low     INTEGER,
    injured_best    INTEGER,
    injured_high    INTEGER,
    n_articles      INTEGER NOT NULL,
    n_outlets       INTEGER NOT NULL,
    json            TEXT NOT NULL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX events_date ON events (date, id);
CREATE INDEX events_country ON events (country);

-- Event mentions: one report of an event in one article. `json` is the full model::SourcedMention;
-- `event_id` is the merged event it currently belongs to.
CREATE TABLE event_mentions (
    id             TEXT PRIMARY KEY,
    article_id     TEXT NOT NULL REFERENCES articles (id),
    event_id       TEXT REFERENCES events (id) ON DELETE SET NULL,
    sub_event_type TEXT NOT NULL,
    date_start     TEXT,
    date_end       TEXT,
    json           TEXT NOT NULL
);
CREATE INDEX event_mentions_dates ON event_mentions (date_start, date_end);
CREATE INDEX event_mentions_event ON event_mentions (event_id);
CREATE INDEX event_mentions_article ON event_mentions (article_id);

-- The sources of each event: one row per mention, with the sentence it rests on.
CREATE TABLE event_sources (
    event_id       TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    mention_id     TEXT NOT NULL REFERENCES event_mentions (id),
    article_id     TEXT NOT NULL,
    url            TEXT,
    -- The first outlet known to carry the article; `outlets` lists all of them, separated by '; '.
    outlet         TEXT,
    outlets        TEXT,
    published      TEXT,
    sentence       TEXT NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end   INTEGER NOT NULL,
    PRIMARY KEY (event_id, mention_id)
);

-- Claims, accusations and denials of responsibility for an event.
CREATE TABLE attributions (
    event_id       TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    actor          TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    stance         TEXT NOT NULL,
    -- Who made the statement (the accuser, for blame).
    by_actor       TEXT,
    by_actor_id    TEXT,
    article_id     TEXT NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end   INTEGER NOT NULL
);
CREATE INDEX attributions_event ON attributions (event_id);

-- Actors and places named by the events written so far (latest definition wins).
CREATE TABLE actors (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    country    TEXT
);

CREATE TABLE places (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    country   TEXT NOT NULL,
    admin1    TEXT,
    latitude  REAL NOT NULL,
    longitude REAL NOT NULL,
    kind      TEXT NOT NULL
);

-- What ingest wanted the user to know: skipped inputs, duplicates, unreadable files.
CREATE TABLE ingest_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    origin   TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
    code     TEXT NOT NULL,
    message  TEXT NOT NULL
);
