-- sitrep ledger, schema version 7: the indexes that merge windows read event mentions by hold
-- every column a window tests, and the mention's id.
--
-- A country window reads the country's mentions starting up to a year before it and keeps those
-- still running when it begins. With the start date alone in the index, SQLite fetched every one
-- of those rows to test its end date: on a 300,000-article ledger a window on the United States
-- fetched 10,112 mention rows to keep 2. A day window (mentions without a place) tests the type
-- after the dates: about 40 rows fetched per day to keep the few of one type. With the id in the
-- index too, sitrep reads a window's ids from the index alone and fetches only the rows of the
-- mentions it has not read yet (see `read::mentions_for_merge`); the same holds for an event's
-- members.
DROP INDEX event_mentions_country;
CREATE INDEX event_mentions_country ON event_mentions (country, date_start, date_end, id);
DROP INDEX event_mentions_dates;
CREATE INDEX event_mentions_dates ON event_mentions (date_start, date_end, sub_event_type, id);
DROP INDEX event_mentions_event;
CREATE INDEX event_mentions_event ON event_mentions (event_id, id);
