-- sitrep ledger, schema version 6: near-duplicate signatures by one permutation hashing; the
-- country of each event mention as a column.
--
-- Signatures are now made with one hash per shingle spread over 128 buckets instead of 128 hash
-- functions. A signature of the earlier kind never agrees with one of the new kind, so the
-- earlier ones and their bands are dropped rather than left to fill the index: articles stored
-- before the upgrade are no longer near-duplicate candidates. Copies run within days of a
-- story, so this affects only the copies arriving in the first week after the upgrade; they
-- are analysed as new articles and merge into the same events through their mentions.
DELETE FROM article_bands;
DELETE FROM article_signatures;

-- Mentions in different countries never merge, so re-merging reads a window's mentions of one
-- country at a time instead of all of them (the country of `json`'s place; NULL without one).
ALTER TABLE event_mentions ADD COLUMN country TEXT;
UPDATE event_mentions SET country = json_extract(json, '$.mention.place.value.country');
CREATE INDEX event_mentions_country ON event_mentions (country, date_start);
