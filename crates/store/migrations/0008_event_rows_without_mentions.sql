-- sitrep ledger, schema version 8: an event's row no longer repeats its mentions.
--
-- `events.json` held the whole model::Event, every mention included, although each mention has
-- its own row in `event_mentions`. A re-merge hands back every event of the windows it read, and
-- telling whether one changed meant reading and writing all of it again: the largest event of a
-- 30,000-article benchmark ledger was 780 KB. Now `json` is the event with an empty mention list,
-- and `mention_ids` (a JSON array) names its mentions in the event's order; sitrep reads the
-- mentions from their rows.
-- The rewrite changes how events are stored, not the events: the change journal (migration 3)
-- does not record it.
ALTER TABLE events ADD COLUMN mention_ids TEXT NOT NULL DEFAULT '[]';
DROP TRIGGER events_journal_update;
UPDATE events SET
    mention_ids = (
        SELECT json_group_array(id) FROM (
            SELECT m.value ->> '$.mention.id' AS id FROM json_each(events.json, '$.mentions') AS m ORDER BY m.key
        )
    ),
    json = json_set(events.json, '$.mentions', json('[]'));
CREATE TRIGGER events_journal_update AFTER UPDATE ON events BEGIN
    INSERT INTO event_changes (event_id, change) VALUES (NEW.id, 'updated');
END;
