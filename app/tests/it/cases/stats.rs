//! The case statistics page and its exports, through real HTTP: cases moved through the
//! workflow (closed on time after a rework, closed late, left overdue, merged as a duplicate)
//! show up per street, department and category with the right counts and rates; who sees
//! which street; the chart is well-formed SVG; CSV and XLSX carry the same rows.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use serde_json::json;

use crate::helpers::case_cast::*;
use crate::helpers::*;

/// The cells of the table row headed `row`: (column, text) in order.
fn row_cells(html: &str, row: &str) -> Vec<(String, String)> {
    // A group's name is marked Chinese (a street's, a category's); the total row's is wording.
    let named = format!("<th scope=\"row\" lang=\"zh-CN\">{row}</th>");
    let total = format!("<th scope=\"row\">{row}</th>");
    let start = html.find(&named).or_else(|| html.find(&total)).unwrap_or_else(|| panic!("no row {row} in {html}"));
    let tr = &html[start..start + html[start..].find("</tr>").unwrap()];
    tr.split("<td data-col=\"")
        .skip(1)
        .map(|cell| {
            let (col, rest) = cell.split_once("\">").unwrap();
            (col.to_owned(), rest.split('<').next().unwrap().to_owned())
        })
        .collect()
}

fn cell(html: &str, row: &str, col: &str) -> String {
    row_cells(html, row).into_iter().find(|(c, _)| c == col).unwrap_or_else(|| panic!("no {col} in {row}")).1
}

/// Checks that `xml` is well-formed: tags nest and close, attributes are quoted, and every
/// `&` starts an entity.
fn well_formed(xml: &str) -> Result<(), String> {
    let mut open: Vec<String> = Vec::new();
    let mut rest = xml;
    let entity_ok = |text: &str| {
        text.split('&').skip(1).all(|after| {
            let name = after.split(';').next().unwrap_or_default();
            after.contains(';') && (["amp", "lt", "gt", "quot", "apos"].contains(&name) || name.starts_with('#'))
        })
    };
    while let Some(lt) = rest.find('<') {
        if !entity_ok(&rest[..lt]) || rest[..lt].contains('>') {
            return Err(format!("bad text before {}", &rest[lt..]));
        }
        let gt = rest[lt..].find('>').ok_or("unclosed tag")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if open.pop().as_deref() != Some(name.trim()) {
                return Err(format!("</{name}> closes nothing open"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name = body.split_whitespace().next().ok_or("empty tag")?;
        let mut attrs = body[name.len()..].trim();
        while !attrs.is_empty() {
            let (key, after) = attrs.split_once("=\"").ok_or(format!("unquoted attribute in <{tag}>"))?;
            let (value, after) = after.split_once('"').ok_or("unterminated attribute")?;
            if key.trim().contains(' ') || value.contains('<') || !entity_ok(value) {
                return Err(format!("bad attribute {key} in <{tag}>"));
            }
            attrs = after.trim();
        }
        if !self_closing {
            open.push(name.to_owned());
        }
    }
    if open.is_empty() { Ok(()) } else { Err(format!("left open: {open:?}")) }
}

fn svg_of(html: &str) -> &str {
    let start = html.find("<svg").expect("the page has a chart");
    let end = html[start..].find("</svg>").unwrap() + start + "</svg>".len();
    &html[start..end]
}

/// Four cases in 香港中路街道's first community, all to 区综合行政执法局: one closed on time
/// after a rework and rated 满意, one closed late and rated 不满意, one left past its deadline,
/// and one merged into that one as a duplicate. Returns the open one.
async fn four_cases(w: &World) -> i64 {
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await);
    }
    let (on_time, late, open, duplicate) = (ids[0], ids[1], ids[2], ids[3]);
    for id in [on_time, late, open] {
        assert_eq!(
            act(w.api(DISPATCHER), id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)}))
                .await
                .0,
            200
        );
    }
    let (status, merged) = w.api(DISPATCHER).post(&format!("/cases/{duplicate}/merge"), json!({"into": open})).await;
    assert_eq!(status, 200, "{merged}");
    for (who, step) in [
        (w.api(HANDLER), json!({"action": "report_handled"})),
        (w.api(INSPECTOR), json!({"action": "check_fail", "note": "未清理干净"})),
        (w.api(HANDLER), json!({"action": "report_handled"})),
        (w.api(INSPECTOR), json!({"action": "check_pass"})),
        (w.api(RESIDENT), json!({"action": "rate", "rating": "satisfied"})),
    ] {
        assert_eq!(act(who, on_time, step).await.0, 200);
    }
    // 私搭乱建 has 4 working hours: dispatched Tuesday 09:00, due 14:30; now it is 17:00.
    w.app.clock.advance(chrono::Duration::hours(8));
    for (who, step) in [
        (w.api(HANDLER), json!({"action": "report_handled"})),
        (w.api(INSPECTOR), json!({"action": "check_pass"})),
        (w.api(RESIDENT), json!({"action": "rate", "rating": "unsatisfied"})),
    ] {
        assert_eq!(act(who, late, step).await.0, 200);
    }
    open
}

async fn street_name(w: &World, index: usize) -> (i64, String) {
    let mut conn = w.app.state.db.conn().await.unwrap();
    let streets = ejia::org::store::list_streets(&mut conn, None, 0, 20).await.unwrap();
    (streets[index].id.0, streets[index].name.clone())
}

#[tokio::test]
async fn the_page_shows_each_group_with_counts_and_rates_a_chart_and_exports_the_same_rows() {
    let w = World::for_cases().await;
    let open = four_cases(&w).await;
    let (_, street) = street_name(&w, 0).await;
    w.app.login_district_admin().await;
    let (status, html) = w.app.page("/manage/case-stats?by=street").await;
    assert_eq!(status, 200, "{html}");
    // One case closed on time and reworked once, one closed late, one overdue; the merged
    // duplicate does not count.
    let expected = [
        ("cases", "3"),
        ("closed", "2"),
        ("closed_rate", "66.7%"),
        ("closed_on_time", "1"),
        ("on_time_rate", "50.0%"),
        ("reworked", "1"),
        ("rework_rate", "50.0%"),
        ("average_hours", "4.0"),
        ("overdue", "1"),
        ("satisfaction", "50.0%"),
    ];
    let as_strings = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    assert_eq!(row_cells(&html, &street), as_strings(&expected));
    assert_eq!(row_cells(&html, "合计"), as_strings(&expected), "the district total");
    for (by, name) in [("department", "区综合行政执法局"), ("category", "私搭乱建")] {
        let (_, html) = w.app.page(&format!("/manage/case-stats?by={by}&from=2026-11-02&to=2026-12-01")).await;
        assert_eq!(row_cells(&html, name), as_strings(&expected), "{by}");
    }
    // The chart: accessible, well-formed SVG with a bar per rate.
    let svg = svg_of(&html);
    well_formed(svg).unwrap();
    assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"chart-title\">各组结案率与按期结案率</title>"));
    assert!(svg.contains(">66.7%</text>") && svg.contains(">50.0%</text>"), "{svg}");
    // Exports of the same selection.
    let (from, to) = ("2026-11-02", "2026-12-01");
    assert!(html.contains(&format!("/manage/case-stats.csv?by=street&#38;from={from}&#38;to={to}")), "{html}");
    let r = w.app.get(&format!("/manage/case-stats.csv?by=street&from={from}&to={to}")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert_eq!(disposition, format!("attachment; filename=\"case-stats-street-{from}-{to}.csv\""));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a byte-order mark for spreadsheet programs");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(reader.headers().unwrap().iter().take(4).collect::<Vec<_>>(), ["街道", "案件数", "结案", "结案率"]);
    let records: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(records.len(), 2, "the street and the total");
    assert_eq!(records[0][..10], [&street, "3", "2", "66.7%", "1", "50.0%", "1", "50.0%", "4.0", "1"]);
    assert_eq!(records[0][10..], ["1", "2", "50.0%"]);
    assert_eq!(records[1][0], "合计");
    let r = w.app.get("/manage/case-stats.xlsx?by=category").await;
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(r.headers()["content-disposition"].to_str().unwrap().ends_with(".xlsx\""));
    let mut book = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(cells[0][0], Data::String("问题类别".into()));
    assert_eq!(
        cells[1][..4],
        [Data::String("私搭乱建".into()), Data::Float(3.0), Data::Float(2.0), Data::Float(2.0 / 3.0)]
    );
    assert_eq!((cells[1][6].clone(), cells[1][9].clone()), (Data::Float(1.0), Data::Float(1.0)), "reworked, overdue");
    assert_eq!(cells[2][0], Data::String("合计".into()));
    // A redispatch moves the open case to the other department: the figures follow at once.
    let (_, by_department) = w.api(DISPATCHER).get("/case-stats?by=department").await;
    assert_eq!(by_department.as_array().unwrap().len(), 1);
    let health = w.department(HEALTH).0;
    assert_eq!(act(w.api(DISPATCHER), open, json!({"action": "redispatch", "department_id": health})).await.0, 200);
    let (_, by_department) = w.api(DISPATCHER).get("/case-stats?by=department").await;
    let cases_of =
        |id: i64| by_department.as_array().unwrap().iter().find(|r| r["id"] == id).map(|r| r["cases"].clone());
    assert_eq!((cases_of(w.department(ENFORCEMENT).0), cases_of(health)), (Some(json!(2)), Some(json!(1))));
    assert_eq!(by_department.as_array().unwrap().len(), 2, "no group left behind with nothing in it");
}

#[tokio::test]
async fn periods_count_cases_by_the_day_they_were_filed_across_months() {
    let w = World::for_cases().await;
    four_cases(&w).await;
    let admin = w.client(Person::new("13600009998", "区管理员").district_admin()).await;
    // Filed on Tuesday 1 December 2026, district time.
    for (from, to, cases) in [
        ("2026-12-01", "2026-12-01", Some(3)),
        ("2026-11-15", "2026-12-01", Some(3)),
        ("2026-12-01", "2026-12-31", Some(3)),
        ("2026-01-01", "2026-12-31", Some(3)),
        ("2025-11-16", "2026-12-15", Some(3)),
        ("2026-11-01", "2026-11-30", None),
        ("2026-12-02", "2027-01-31", None),
    ] {
        let (status, rows) = admin.get(&format!("/case-stats?by=category&from={from}&to={to}")).await;
        assert_eq!(status, 200, "{rows}");
        assert_eq!(rows[0]["cases"].as_i64(), cases, "{from}..{to}: {rows}");
    }
    let (status, _) = admin.get("/case-stats?by=street&from=2026-12-02&to=2026-12-01").await;
    assert_eq!(status, 422, "backwards");
}

#[tokio::test]
async fn district_staff_see_every_street_street_staff_their_own_and_others_nothing() {
    let w = World::for_cases().await;
    four_cases(&w).await;
    let (first, street) = street_name(&w, 0).await;
    let (second, other_street) = street_name(&w, 1).await;
    // A street admin of the cases' street sees them; the page names the street.
    w.user(Person::new("13600001001", "街道管理员").street_admin_of(XIANGGANG_ZHONGLU)).await;
    w.app.login("13600001001").await;
    let (status, html) = w.app.page("/manage").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/manage/case-stats\""), "a back-office tile");
    let (status, html) = w.app.page("/manage/case-stats?by=category").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("<h2 id=\"stats-heading\"><span lang=\"zh-CN\">{street}</span> · ")), "{html}");
    assert_eq!(cell(&html, "私搭乱建", "cases"), "3");
    assert!(!html.contains("name=\"street\""), "nothing to choose for the staff of one street");
    assert_eq!(w.app.page(&format!("/manage/case-stats?street={second}")).await.0, 403);
    assert_eq!(w.app.get(&format!("/manage/case-stats.csv?street={second}")).await.status(), 403);
    // Another street's admin sees their street, without these cases.
    w.app.login("13600000005").await;
    let (status, html) = w.app.page("/manage/case-stats").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("{other_street}</span> · ")) && html.contains("这个时段没有案件。"), "{html}");
    // A district dispatcher may pick a street or the whole district.
    w.app.login_with("13600000002", PASSWORD).await;
    let (_, html) = w.app.page(&format!("/manage/case-stats?street={second}")).await;
    assert!(html.contains("name=\"street\"") && html.contains("这个时段没有案件。"));
    let (_, html) = w.app.page(&format!("/manage/case-stats?street={first}&by=street")).await;
    assert_eq!(cell(&html, &street, "closed_on_time"), "1");
    let (status, html) = w.app.page("/manage/case-stats?from=2026-13-01&by=nothing").await;
    assert_eq!(status, 422);
    assert!(html.contains("f-from-error") && html.contains("f-by-error"), "{html}");
    // Residents and department handlers see no statistics; nobody logged out does.
    for phone in ["13600000000", "13600000003"] {
        w.app.login(phone).await;
        assert_eq!(w.app.page("/manage/case-stats").await.0, 403, "{phone}");
        assert_eq!(w.app.get("/manage/case-stats.xlsx").await.status(), 403, "{phone}");
    }
    let anonymous = w.app.other_browser().get(w.app.at("/manage/case-stats")).send().await.unwrap();
    assert_ne!(anonymous.status(), 200);
}
