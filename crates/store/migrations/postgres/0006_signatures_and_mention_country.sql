-- sitrep ledger on PostgreSQL, schema version 6: near-duplicate signatures by one permutation
-- hashing; the country of each event mention as a column (as ../0006_signatures_and_mention_country.sql).
DELETE FROM article_bands;
DELETE FROM article_signatures;

-- IF NOT EXISTS: a test writes version-1 rows with today's writer, which needs the column.
ALTER TABLE event_mentions ADD COLUMN IF NOT EXISTS country text;
UPDATE event_mentions SET country = json #>> '{mention,place,value,country}';
CREATE INDEX event_mentions_country ON event_mentions (country, date_start);
