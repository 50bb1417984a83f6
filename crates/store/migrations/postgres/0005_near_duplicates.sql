-- sitrep ledger on PostgreSQL, schema version 5: near-duplicate detection (as
-- ../0005_near_duplicates.sql).
--
-- A MinHash signature per article and its locality-sensitive hashing bands. Both are u64 values,
-- kept as the bigint with the same 64 bits (values with the top bit set are negative here).
CREATE TABLE article_signatures (
    article_id text PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    minhash    bigint[] NOT NULL
);

-- One row per (band hash, article); the band's number is mixed into the hash.
CREATE TABLE article_bands (
    band       bigint NOT NULL,
    article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
