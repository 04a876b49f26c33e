-- Search at scale (issue 11's benchmark: 100,000 articles + 100,000 cases). Ranking every match
-- of a common word costs time in proportion to the matches, so a search ranks only the newest
-- matches of each kind (app/src/search/store.rs); for that the index must find a kind's matches
-- by itself, newest first. On SQLite the full-text index gains the document's kind as a
-- column (FTS5 reads it from search_documents.kind), so "社区 AND kind : article" walks the
-- index backwards and stops after enough matches.
drop trigger search_documents_ai;
drop trigger search_documents_ad;
drop trigger search_documents_au;
drop table search_fts;

create virtual table search_fts using fts5(
    title_words, words, chars, kind,
    content = 'search_documents', content_rowid = 'search_document_id', tokenize = 'unicode61'
);

create trigger search_documents_ai after insert on search_documents begin
    insert into search_fts (rowid, title_words, words, chars, kind)
    values (new.search_document_id, new.title_words, new.words, new.chars, new.kind);
end;

create trigger search_documents_ad after delete on search_documents begin
    insert into search_fts (search_fts, rowid, title_words, words, chars, kind)
    values ('delete', old.search_document_id, old.title_words, old.words, old.chars, old.kind);
end;

create trigger search_documents_au after update on search_documents begin
    insert into search_fts (search_fts, rowid, title_words, words, chars, kind)
    values ('delete', old.search_document_id, old.title_words, old.words, old.chars, old.kind);
    insert into search_fts (rowid, title_words, words, chars, kind)
    values (new.search_document_id, new.title_words, new.words, new.chars, new.kind);
end;

insert into search_fts (search_fts) values ('rebuild');

-- PostgreSQL stores the weighted text-search vector in this column (its GIN index and its
-- matches read it instead of computing it from the text for every candidate). SQLite keeps
-- those terms in FTS5 above, so here the column stays empty (null), there for the two
-- engines' tables to keep the same columns.
alter table search_documents add column tsv text;
