-- sitrep ledger, schema version 5: near-duplicate detection.
--
-- A MinHash signature per article (128 little-endian u64 values) and its locality-sensitive
-- hashing bands: an article whose band hash matches one here is a candidate near-duplicate, and
-- its signature decides. Articles too short for a signature have no rows.
CREATE TABLE article_signatures (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    minhash    BLOB NOT NULL
);

-- One row per (band hash, article); the band's number is mixed into the hash.
CREATE TABLE article_bands (
    band       INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
