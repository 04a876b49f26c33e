-- PostgreSQL's search index changes shape (see the PostgreSQL migration of the same name): it
-- matches bigrams from `tsv` with no positions, finds a kind's newest blocks through
-- `window_terms`, and ranks titles from `title_tsv`. SQLite keeps its terms in FTS5 (migration
-- 0022), so here the columns stay empty (null), there for the two engines' tables to keep the
-- same columns.
alter table search_documents add column window_terms text;
alter table search_documents add column title_tsv text;
