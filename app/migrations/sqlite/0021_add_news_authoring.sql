-- The newsroom's authoring (issue 11): topic sections, what attaches to a topic section, and an
-- article's related activities and public cases.
--
-- A topic's sections stay in news_topics.sections_json, as an ordered array of
-- {"id": n, "title": …}: the id is stable, so renaming or moving a section keeps what is
-- attached to it. section_id 0 means "the topic, in no section".
alter table news_article_topics add column section_id bigint not null default 0;

-- Activities (kind 'event') attached to a topic section, in the order the newsroom set.
create table news_topic_items (
    topic_id bigint not null references news_topics (topic_id),
    section_id bigint not null default 0,
    kind text not null,
    item_id bigint not null,
    position bigint not null default 0,
    primary key (topic_id, kind, item_id)
);

-- An article's related activities ('event') and public board cases ('case'), in order.
create table news_article_related (
    article_id bigint not null references news_articles (article_id),
    kind text not null,
    item_id bigint not null,
    position bigint not null default 0,
    primary key (article_id, kind, item_id)
);

-- Most read this week: the sum of the last days' counts, by day first.
create index news_reads_day_idx on news_reads (day, article_id);

-- The public list is newest published first; its cursor is the last article's id.
create index news_articles_published_idx on news_articles (state, published_at, article_id);
