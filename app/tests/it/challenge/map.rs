//! The route map and the milestone cards: the map is well-formed SVG with one marker per team
//! and the viewer's own team highlighted, answered 304 when unchanged; a milestone's card is a
//! 1080 × 1350 PNG where a Chinese font is installed (`fonts-noto-cjk`, as `.ci/run` does), its
//! SVG names the viewer's team, and the challenge page shows the map with its text alternative.

use resvg::usvg::roxmltree::Document;
use serde_json::json;

use super::*;

/// The markers of teams in a map, with whether each is the viewer's.
fn markers(svg: &str) -> Vec<(String, bool)> {
    let doc = Document::parse(svg).expect("the map is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("aria-labelledby"), Some("map-title map-desc"));
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("team"))
        .map(|n| {
            let title = n.children().find(|c| c.has_tag_name("title")).and_then(|t| t.text()).unwrap_or_default();
            (title.to_owned(), n.attribute("data-mine").is_some())
        })
        .collect()
}

#[tokio::test]
async fn the_map_has_a_marker_per_team_and_highlights_mine() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let mine = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    team(&w, id, "团岛社区队", "community", json!({ "community_id": w.community(TUANDAO).0 })).await;
    team(&w, id, "八大峡街道队", "street", json!({ "street_id": w.street(BADAXIA).0 })).await;
    join(w.api(RESIDENT), id, mine["id"].as_i64()).await;
    let (status, _) = check_in(w.api(RESIDENT), id, json!({ "day": TODAY, "kind": "walk", "km": 10 })).await;
    assert_eq!(status, 201);
    let app = &w.app;
    let path = format!("/challenges/{id}/map.svg");

    // Anyone may look; nobody's team is highlighted.
    let r = app.get(&path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml; charset=utf-8");
    assert_eq!(r.headers()["cache-control"], "private, max-age=30");
    let all = markers(&r.text().await.unwrap());
    assert_eq!(all.len(), 3, "one marker per team");
    assert!(all.iter().all(|(_, mine)| !mine));

    app.login(RESIDENT).await;
    let r = app.get(&path).await;
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let svg = r.text().await.unwrap();
    let marks = markers(&svg);
    assert_eq!(marks.len(), 3);
    let highlighted: Vec<_> = marks.iter().filter(|(_, mine)| *mine).collect();
    assert_eq!(highlighted.len(), 1, "{marks:?}");
    // 10 km × a scale of 10: 100 km along the route, per member.
    assert!(highlighted[0].0.starts_with("云霄路社区队") && highlighted[0].0.contains("10 公里"), "{marks:?}");
    assert!(svg.contains(r#"lang="zh-CN""#) && svg.contains(">吴起镇<"), "Chinese names marked as such");

    // Unchanged: 304.
    let again = app.client.get(app.at(&path)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);

    // The page shows the map, and says where its text is.
    let (_, page) = app.page(&format!("/challenges/{id}")).await;
    assert!(page.contains(&format!(r#"<img src="/challenges/{id}/map.svg" alt="长征路线图"#)), "{page}");
    assert!(page.contains("队伍排行"));

    assert_eq!(app.get("/challenges/999999/map.svg").await.status(), 404);
}

#[tokio::test]
async fn a_milestones_card_is_a_png_of_its_size_and_its_svg_names_my_team() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let mine = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    join(w.api(RESIDENT), id, mine["id"].as_i64()).await;
    let app = &w.app;

    // 遵义, seq 10.
    let r = app.get(&format!("/challenges/{id}/milestones/10/card.png")).await;
    assert_eq!(r.status(), 200);
    let chinese_font =
        ejia::challenge::map::render::missing(&ejia::challenge::map::render::system_fonts(), "遵义长征").is_empty();
    if chinese_font {
        assert_eq!(r.headers()["content-type"], "image/png");
        let png = r.bytes().await.unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        assert_eq!((size(16), size(20)), (1080, 1350), "IHDR: width, height");
    } else {
        // No font for it here: the SVG, never a PNG with missing glyphs.
        assert_eq!(r.headers()["content-type"], "image/svg+xml; charset=utf-8");
    }

    let r = app.get(&format!("/challenges/{id}/milestones/10/card.svg")).await;
    assert_eq!(r.status(), 200);
    let svg = r.text().await.unwrap();
    Document::parse(&svg).expect("well-formed");
    assert!(svg.contains(">遵义<") && svg.contains("网上重走长征路 · 市南区") && svg.contains("1935年1月"), "{svg}");
    assert!(!svg.contains("我的队伍"), "nobody signed in");

    app.login(RESIDENT).await;
    let svg = app.get(&format!("/challenges/{id}/milestones/10/card.svg")).await.text().await.unwrap();
    assert!(svg.contains("我的队伍「云霄路社区队」人均已走 0 公里"), "{svg}");

    assert_eq!(app.get(&format!("/challenges/{id}/milestones/99/card.png")).await.status(), 404);
    assert_eq!(app.get("/challenges/999999/milestones/1/card.svg").await.status(), 404);
}
