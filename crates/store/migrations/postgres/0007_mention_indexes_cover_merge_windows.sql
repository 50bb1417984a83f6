-- sitrep ledger on PostgreSQL, schema version 7: the indexes that merge windows read event
-- mentions by hold every column a window tests (as ../0007_mention_indexes_cover_merge_windows.sql).
DROP INDEX event_mentions_country;
CREATE INDEX event_mentions_country ON event_mentions (country, date_start, date_end);
DROP INDEX event_mentions_dates;
CREATE INDEX event_mentions_dates ON event_mentions (date_start, date_end, sub_event_type);
