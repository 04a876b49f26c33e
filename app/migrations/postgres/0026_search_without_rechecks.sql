-- Search on PostgreSQL at scale (issue 11: p99 ≤ 50 ms at 16 searchers over 100,000 articles +
-- 100,000 cases; app/src/search/store.rs, bench/search.sh). Measured on that data, a search's
-- time went into reading rows, not the index: a row was some kilobytes (the text, its words,
-- its characters and a vector with positions), and a word the dictionary cuts otherwise in the
-- documents (江西路) was matched as a phrase of characters ('江' <-> '西' <-> '路'), which the GIN
-- index cannot check — PostgreSQL read and unpacked the vector of every candidate again.
--
-- Now:
-- - `tsv` holds what the index must answer alone, without positions: each Han character, each
--   two neighbouring ones (a bigram: 江西路 is found as '江西' & '西路') and the Latin words and
--   numbers. The application writes it (segment.rs: Terms::grams), as it segments the text anyway
--   — to_tsvector would parse a thousand terms again per document. A match is then sure from the
--   index: no recheck, no vector read.
-- - `window_terms` gives each document its kind and the block of 1,024 ids it is in
--   ('article~195'): a search asks for a kind's newest matches by naming the newest blocks in
--   the same GIN index, so a word in most documents costs the rows of a few blocks, not all of
--   its matches.
-- - the title's words as a small vector kept in the row, for "every word in the title" ranking.
-- - rows stay narrow (toast_tuple_target): the text moves out of line, so the rows a search
--   visits fit in the cache (27 MB for 200,000 documents instead of some hundreds).
-- `words` and `chars` stay for SQLite's FTS5; on PostgreSQL they are left empty.
drop index search_documents_tsv;
alter table search_documents drop column tsv;
alter table search_documents add column tsv tsvector not null default '';
alter table search_documents add column window_terms tsvector generated always as (
    array_to_tsvector(array[kind, kind || '~' || (search_document_id / 1024)::text])
) stored;
alter table search_documents add column title_tsv tsvector generated always as (
    to_tsvector('simple'::regconfig, title_words)
) stored;
alter table search_documents alter column title_tsv set storage main;
alter table search_documents set (toast_tuple_target = 128);
update search_documents set words = '', chars = '', segmenter_version = 0;
create index search_documents_tsv on search_documents using gin (tsv, window_terms);
