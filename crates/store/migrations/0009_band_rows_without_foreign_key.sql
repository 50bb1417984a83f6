-- sitrep ledger, schema version 9: near-duplicate band rows without a foreign key.
--
-- Each of an article's 32 band rows was checked against the articles' id index as it was
-- inserted: a text-key lookup per row, and most of what writing a band row cost (band rows are
-- the most numerous rows a batch writes). A band row is only ever written in the batch that
-- writes its article's signature, whose own foreign key still holds, and articles are never
-- deleted; the rows are copied as they are.
CREATE TABLE article_bands_new (
    band       INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
INSERT INTO article_bands_new (band, article_id) SELECT band, article_id FROM article_bands ORDER BY band, article_id;
DROP TABLE article_bands;
ALTER TABLE article_bands_new RENAME TO article_bands;
