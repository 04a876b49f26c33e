-- The search index (app/src/search): one row per public document — an activity, a service,
-- later an article or a public case — written by its domain in the same transaction as the
-- document itself, so every instance searches what was just committed. The text is stored
-- segmented (title_words, words: jieba words; chars: the Han characters one by one) with the
-- segmenter's version, so `ejia search reindex` can segment it again after a dictionary change.
create table search_documents (
    search_document_id integer primary key,
    kind text not null,
    kind_order bigint not null,
    doc_id bigint not null,
    title text not null,
    url text not null,
    body text not null,
    street_id bigint,
    community_id bigint,
    title_words text not null,
    words text not null,
    chars text not null,
    segmenter_version bigint not null,
    updated_at bigint not null,
    unique (kind, doc_id)
);

create index search_documents_version on search_documents (segmenter_version);

-- FTS5 over the pre-segmented text: unicode61 splits on the spaces the segmenter put in and
-- folds Latin case. External content: the words are stored once, in search_documents; the
-- triggers keep the full-text index in step with it.
create virtual table search_fts using fts5(
    title_words, words, chars,
    content = 'search_documents', content_rowid = 'search_document_id', tokenize = 'unicode61'
);

create trigger search_documents_ai after insert on search_documents begin
    insert into search_fts (rowid, title_words, words, chars)
    values (new.search_document_id, new.title_words, new.words, new.chars);
end;

create trigger search_documents_ad after delete on search_documents begin
    insert into search_fts (search_fts, rowid, title_words, words, chars)
    values ('delete', old.search_document_id, old.title_words, old.words, old.chars);
end;

create trigger search_documents_au after update on search_documents begin
    insert into search_fts (search_fts, rowid, title_words, words, chars)
    values ('delete', old.search_document_id, old.title_words, old.words, old.chars);
    insert into search_fts (rowid, title_words, words, chars)
    values (new.search_document_id, new.title_words, new.words, new.chars);
end;
