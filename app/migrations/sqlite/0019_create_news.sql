-- News (时尚市南): topic columns (专题) and articles, written in Markdown by editors and street
-- admins, published under four eyes.
--
-- An article keeps its Markdown and the HTML rendered from it at write time, already
-- sanitised, so no read renders. Its scope is the whole district (street_id null) or one
-- street, and decides who besides its author may publish it. `corrected_at` is the visible
-- "updated" time of a correction after publishing; the text before each correction is a row of
-- news_article_revisions. Read counts are per article per day: no row names a reader.
create table news_topics (
    topic_id integer primary key,
    title text not null,
    description text not null default '',
    banner_image_id bigint references images (image_id),
    banner_alt text not null default '',
    -- Ordered sections as a JSON array of {"title": …}; articles and activities attach by id.
    sections_json text not null default '[]',
    created_by bigint references users (user_id),
    created_at bigint not null,
    updated_at bigint not null
);

create table news_articles (
    article_id integer primary key,
    title text not null,
    summary text not null default '',
    body_markdown text not null,
    body_html text not null,
    cover_image_id bigint references images (image_id),
    cover_alt text not null default '',
    source_line text not null default '',
    state text not null,
    author_user_id bigint not null references users (user_id),
    street_id bigint references streets (street_id),
    published_at bigint,
    scheduled_at bigint,
    corrected_at bigint,
    created_at bigint not null,
    updated_at bigint not null,
    updated_by bigint references users (user_id)
);
create index news_articles_state_idx on news_articles (state, article_id);
create index news_articles_due_idx on news_articles (state, scheduled_at);

create table news_article_topics (
    article_id bigint not null references news_articles (article_id),
    topic_id bigint not null references news_topics (topic_id),
    primary key (article_id, topic_id)
);
create index news_article_topics_topic_idx on news_article_topics (topic_id, article_id);

-- Street and community tags (what the article is about, beside its scope).
create table news_article_places (
    article_id bigint not null references news_articles (article_id),
    street_id bigint references streets (street_id),
    community_id bigint references communities (community_id)
);
create index news_article_places_article_idx on news_article_places (article_id);
create index news_article_places_street_idx on news_article_places (street_id, article_id);

create table news_article_revisions (
    revision_id integer primary key,
    article_id bigint not null references news_articles (article_id),
    at bigint not null,
    by_user_id bigint references users (user_id),
    title text not null,
    summary text not null,
    body_markdown text not null
);
create index news_article_revisions_article_idx on news_article_revisions (article_id, revision_id);

create table news_reads (
    article_id bigint not null references news_articles (article_id),
    day text not null,
    reads bigint not null default 0,
    primary key (article_id, day)
);
