-- Search at scale (issue 11's benchmark: 100,000 articles + 100,000 cases). Ranking every match
-- of a common word costs time in proportion to the matches, so a search ranks only the newest
-- matches of each kind (app/src/search/store.rs).
--
-- The weighted text-search vector is now a stored column rather than an expression: matching
-- with weights or phrases ('党':D <-> '史':D) makes PostgreSQL recheck every row the GIN index
-- returns, and ts_rank reads the vector too — from an expression that meant segmenting the
-- text's thousand terms again for every candidate; from the column it is read as stored.
alter table search_documents add column tsv tsvector generated always as (
    setweight(to_tsvector('simple'::regconfig, title_words), 'A')
    || setweight(to_tsvector('simple'::regconfig, words), 'B')
    || setweight(to_tsvector('simple'::regconfig, chars), 'D')
) stored;
drop index search_documents_tsv;
create index search_documents_tsv on search_documents using gin (tsv);

-- A kind's documents newest first: the walk that finds a common word's newest matches.
create index search_documents_kind on search_documents (kind, search_document_id);
