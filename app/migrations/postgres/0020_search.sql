-- The search index (app/src/search): one row per public document — an activity, a service,
-- later an article or a public case — written by its domain in the same transaction as the
-- document itself, so every instance searches what was just committed. The text is stored
-- segmented (title_words, words: jieba words; chars: the Han characters one by one) with the
-- segmenter's version, so `ejia search reindex` can segment it again after a dictionary change.
create table search_documents (
    search_document_id bigserial primary key,
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

-- The tsvector is a GIN-indexed expression rather than a stored column, so both engines'
-- tables keep the same columns (a test holds the migration folders to that). The 'simple'
-- configuration splits on the segmenter's spaces and folds case without stemming; weights
-- rank a title match (A) over the body's words (B) over a phrase of characters (D). The query
-- in search/store.rs repeats this expression exactly, or the index is not used.
create index search_documents_tsv on search_documents using gin ((
    setweight(to_tsvector('simple'::regconfig, title_words), 'A')
    || setweight(to_tsvector('simple'::regconfig, words), 'B')
    || setweight(to_tsvector('simple'::regconfig, chars), 'D')
));
