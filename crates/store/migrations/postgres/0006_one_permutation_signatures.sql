-- sitrep ledger on PostgreSQL, schema version 6: near-duplicate signatures by one permutation
-- hashing (as ../0006_one_permutation_signatures.sql).
DELETE FROM article_bands;
DELETE FROM article_signatures;
