//! `ejia-bench search …`: the search benchmark's parts (bench/search.sh runs them in order).
//!
//! - `generate`: fills a fresh database (after `ejia district import`) with N published news
//!   articles or N public cases of Chinese text made up from a seed — the district's street,
//!   community and road names (as `district import` loaded them from `data/shinan.json`), the
//!   case categories (from `data/cityops_event_categories.json`) and a vocabulary of campaign
//!   and everyday words — drawn with a Zipf-like frequency (the k-th word about 1/k as often
//!   as the first), so a few words are in most documents and many in a handful. Multi-row
//!   INSERTs in transactions: the rows only, not the index — `ejia search reindex --all`
//!   indexes them through the real path afterwards, and that is what is timed.
//! - `load`: concurrent searchers over HTTP (`search_load.rs`).

use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use rand::{Rng as _, SeedableRng as _};
use sqlx::Connection as _;

/// The search benchmark's subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Generate published articles or public cases of made-up Chinese text
    Generate {
        /// Database URL (sqlite://… or postgres://…), after `ejia district import`
        #[arg(long)]
        database_url: String,
        /// What to generate: articles or cases
        #[arg(long)]
        kind: String,
        /// How many
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// Seed of the text (the same seed gives the same documents)
        #[arg(long, default_value_t = 11)]
        seed: u64,
        /// Unix time the documents are dated before
        #[arg(long)]
        now: i64,
    },
    /// Concurrent searchers over HTTP
    Load {
        /// Base URL of an ejia server
        #[arg(long)]
        url: String,
        /// Concurrent searchers (one keep-alive connection each)
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Seconds of load
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
}

/// Runs one subcommand.
pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Generate { database_url, kind, count, seed, now } => {
            generate(&database_url, &kind, count, seed, now).await
        }
        Command::Load { url, connections, seconds } => crate::search_load::load(&url, connections, seconds).await,
    }
}

/// Everyday words of a district's notices, most frequent first.
const COMMON: &[&str] = &[
    "社区",
    "居民",
    "活动",
    "开展",
    "组织",
    "服务",
    "工作",
    "志愿者",
    "群众",
    "街道",
    "宣传",
    "学习",
    "参加",
    "老人",
    "环境",
    "安全",
    "文明",
    "党员",
    "卫生",
    "整治",
    "检查",
    "通知",
    "时间",
    "地点",
    "报名",
    "家庭",
    "青少年",
    "健康",
    "养老",
    "文化",
    "网格员",
    "物业",
    "小区",
    "楼道",
    "垃圾分类",
    "消防",
    "防疫",
    "便民",
    "义诊",
    "理发",
];
/// Campaign and topic words: the middle and the tail of the frequencies.
const CAMPAIGN: &[&str] = &[
    "党史",
    "长征",
    "疫苗",
    "讲座",
    "红色电影",
    "占道经营",
    "新冠",
    "接种",
    "核酸",
    "主题党日",
    "志愿服务",
    "学雷锋",
    "重阳节",
    "中秋",
    "端午",
    "春节",
    "元宵",
    "国庆",
    "建党",
    "百年",
    "初心",
    "使命",
    "乡村振兴",
    "反诈",
    "电信诈骗",
    "防溺水",
    "交通安全",
    "燃气",
    "电动车",
    "充电",
    "飞线",
    "高空抛物",
    "噪音",
    "停车",
    "共享单车",
    "绿化",
    "海水浴场",
    "栈桥",
    "啤酒节",
    "马拉松",
    "帆船",
    "书法",
    "剪纸",
    "合唱",
    "广场舞",
    "太极拳",
    "象棋",
    "读书会",
    "夏令营",
    "托管",
    "助餐",
    "适老化",
    "加装电梯",
    "老旧小区",
    "雨污分流",
    "供暖",
    "停水",
    "停电",
    "台风",
    "寒潮",
    "献血",
    "普法",
    "民法典",
    "消费维权",
    "食品安全",
    "控烟",
    "禁毒",
    "征兵",
    "人口普查",
    "医保",
    "社保",
    "就业",
    "招聘",
    "创业",
    "退役军人",
    "残疾人",
    "低保",
    "慰问",
    "走访",
    "调解",
    "信访",
    "平安",
    "扫黑除恶",
    "COVID",
    "APP",
    "Wi-Fi",
    "5G",
    "vaccine",
    "AED",
    "CPR",
    "WeChat",
];

/// A document's text, word by word, drawn with a Zipf-like frequency from one vocabulary.
struct Writer {
    words: Vec<String>,
    /// Cumulative weights (the k-th word weighs 1/k).
    cumulative: Vec<f64>,
    roads: Vec<String>,
    rng: rand::rngs::StdRng,
}

impl Writer {
    fn new(places: &[String], roads: &[String], categories: &[String], seed: u64) -> Self {
        // Everyday words first (the most frequent), then campaigns, then places and categories
        // (street names are common in a district's news, a particular category less so).
        let mut words: Vec<String> = COMMON.iter().map(|s| (*s).to_owned()).collect();
        let mut rest: Vec<String> = CAMPAIGN.iter().map(|s| (*s).to_owned()).collect();
        rest.extend(places.iter().cloned());
        rest.extend(categories.iter().cloned());
        // Interleaved deterministically so campaigns, places and categories share the ranks.
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        for i in (1..rest.len()).rev() {
            rest.swap(i, rng.gen_range(0..=i));
        }
        words.extend(rest);
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|k| {
                total += 1.0 / k as f64;
                total
            })
            .collect();
        Writer { words, cumulative, roads: roads.to_vec(), rng }
    }

    fn word(&mut self) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = self.rng.gen_range(0.0..total);
        let i = self.cumulative.partition_point(|c| *c < x).min(self.words.len() - 1);
        &self.words[i]
    }

    /// A clause of a few words with the glue Chinese puts between them.
    fn clause(&mut self, out: &mut String) {
        const GLUE: &[&str] = &["的", "和", "在", "为", "对", "与", "开展", "进行", "及", "中"];
        let n = self.rng.gen_range(3..7);
        for i in 0..n {
            if i > 0 {
                let g = GLUE[self.rng.gen_range(0..GLUE.len())];
                out.push_str(g);
            }
            let w = self.word().to_owned();
            out.push_str(&w);
        }
    }

    fn title(&mut self) -> String {
        let mut t = String::new();
        if self.rng.gen_bool(0.3) {
            let road = self.roads[self.rng.gen_range(0..self.roads.len())].clone();
            t.push_str(&format!("{road}："));
        }
        self.clause(&mut t);
        t
    }

    /// Paragraphs of sentences, about `chars` characters in all.
    fn body(&mut self, chars: usize) -> String {
        let mut b = String::new();
        while b.chars().count() < chars {
            self.clause(&mut b);
            b.push_str(if self.rng.gen_bool(0.7) { "，" } else { "。" });
            if self.rng.gen_bool(0.08) {
                b.push_str(&format!("{}月{}日", self.rng.gen_range(1..13), self.rng.gen_range(1..29)));
            }
            if self.rng.gen_bool(0.05) {
                b.push_str("。\n\n");
            }
        }
        b.push('。');
        b
    }
}

/// Rows per INSERT and per transaction.
const ROWS_PER_INSERT: usize = 100;
const ROWS_PER_TRANSACTION: usize = 5_000;

async fn generate(database_url: &str, kind: &str, count: usize, seed: u64, now: i64) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let started = Instant::now();
    let streets: Vec<(i64, String)> =
        sqlx::query_as("select street_id, name from streets order by street_id").fetch_all(&mut db).await?;
    let communities: Vec<(i64, i64, String)> =
        sqlx::query_as("select community_id, street_id, name from communities order by community_id")
            .fetch_all(&mut db)
            .await?;
    let categories: Vec<(i64, String)> = sqlx::query_as(
        "select category_id, name from case_categories where parent_code is not null and public <> 0 \
         and active <> 0 order by code",
    )
    .fetch_all(&mut db)
    .await?;
    if streets.is_empty() || communities.is_empty() || categories.is_empty() {
        bail!("no district: run `ejia district import` first");
    }
    // Roads: a street office's name without 街道 is mostly a road or a place (香港中路, 八大峡).
    let roads: Vec<String> = streets.iter().map(|(_, n)| n.trim_end_matches("街道").to_owned()).collect();
    let mut places: Vec<String> = streets.iter().map(|(_, n)| n.clone()).collect();
    places.extend(roads.iter().cloned());
    places.extend(communities.iter().map(|(_, _, n)| n.clone()));
    let names: Vec<String> = categories.iter().map(|(_, n)| n.clone()).collect();
    let mut w = Writer::new(&places, &roads, &names, seed ^ kind.len() as u64);
    let author: Option<i64> = sqlx::query_scalar("select min(user_id) from users").fetch_one(&mut db).await?;
    let mut done = 0;
    while done < count {
        let mut tx = db.begin().await?;
        let end = (done + ROWS_PER_TRANSACTION).min(count);
        while done < end {
            let n = (end - done).min(ROWS_PER_INSERT);
            let at = now - 86_400 * 365 + (done as i64 * 86_400 * 365 / count as i64);
            match kind {
                "articles" => {
                    let author = author.context("no user to author the articles: add one first")?;
                    let cols = 10;
                    let sql = insert_sql(
                        "news_articles (title, summary, body_markdown, body_html, state, author_user_id, street_id, \
                         published_at, created_at, updated_at)",
                        n,
                        cols,
                    );
                    let mut q = sqlx::query(&sql);
                    for _ in 0..n {
                        let title = w.title();
                        let summary = w.body(40);
                        let chars = w.rng.gen_range(200..500);
                        let body = w.body(chars);
                        let html = format!("<p>{}</p>", body.replace("\n\n", "</p><p>"));
                        let street = w.rng.gen_bool(0.6).then(|| streets[w.rng.gen_range(0..streets.len())].0);
                        q = q
                            .bind(title)
                            .bind(summary)
                            .bind(body)
                            .bind(html)
                            .bind("published")
                            .bind(author)
                            .bind(street)
                            .bind(at)
                            .bind(at)
                            .bind(at);
                    }
                    q.execute(&mut *tx).await?;
                }
                "cases" => {
                    let sql = insert_sql(
                        "cases (category_id, source, state, description, street_id, community_id, address, \
                         created_at, updated_at)",
                        n,
                        9,
                    );
                    let mut q = sqlx::query(&sql);
                    for _ in 0..n {
                        let category = categories[w.rng.gen_range(0..categories.len())].0;
                        let (community, street, name) = &communities[w.rng.gen_range(0..communities.len())];
                        let road = w.roads[w.rng.gen_range(0..w.roads.len())].clone();
                        let chars = w.rng.gen_range(60..240);
                        let description = w.body(chars);
                        let address = format!("{name}{road}{}号附近", w.rng.gen_range(1..300));
                        q = q
                            .bind(category)
                            .bind("report")
                            .bind("accepted")
                            .bind(description)
                            .bind(*street)
                            .bind(*community)
                            .bind(address)
                            .bind(at)
                            .bind(at);
                    }
                    q.execute(&mut *tx).await?;
                }
                other => bail!("unknown kind {other}: articles or cases"),
            }
            done += n;
        }
        tx.commit().await?;
    }
    let inserted = started.elapsed();
    let analyze = if database_url.starts_with("postgres") { "vacuum analyze" } else { "analyze" };
    sqlx::query(analyze).execute(&mut db).await?;
    println!(
        "generated {count} {kind} in {:.1} s; {analyze} {:.1} s",
        inserted.as_secs_f64(),
        (started.elapsed() - inserted).as_secs_f64()
    );
    Ok(())
}

/// `insert into <table> values ($1, …), (…) …` for `rows` rows of `cols` columns.
fn insert_sql(table: &str, rows: usize, cols: usize) -> String {
    let mut sql = format!("insert into {table} values ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        let row: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
        sql.push_str(&format!("({})", row.join(", ")));
    }
    sql
}
