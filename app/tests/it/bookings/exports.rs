//! CSV exports open safely in a spreadsheet: names that would start a formula (CSV
//! injection) arrive with a quote in front; nothing else changes.

use serde_json::json;

use crate::helpers::*;

/// Names residents could give themselves or their family, each read by Excel as a formula.
const HOSTILE: [&str; 4] =
    ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"];

/// The rows of a CSV download (after its byte-order mark), header included.
async fn rows(r: reqwest::Response) -> Vec<Vec<String>> {
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[3..]);
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn no_cell_starts_a_formula(rows: &[Vec<String>]) {
    for cell in rows.iter().flatten() {
        assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} in {rows:?}");
    }
}

#[tokio::test]
async fn the_service_export_neutralises_names_that_start_a_formula() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(10, json!({})).await;
    let booker = w.client(Person::new("13911110000", HOSTILE[0])).await;
    assert_eq!(booker.book(slot, None).await.0, 201);
    for (i, name) in HOSTILE[1..].iter().enumerate() {
        let (status, p) = booker.post("/me/people", json!({"name": name, "relation": "other"})).await;
        assert_eq!(status, 201, "{p}");
        let (status, b) = booker
            .send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), Some(json!({"person_id": p["id"]})), None)
            .await;
        assert_eq!(status, 201, "{i}: {b}");
    }
    w.app.login("13700000001").await;
    let rows = rows(w.app.get(&format!("/manage/services/{}/export.csv?date=2026-12-02", s.id)).await).await;
    assert_eq!(rows.len(), 1 + 4);
    no_cell_starts_a_formula(&rows);
    assert!(rows[1..].iter().all(|r| r[3] == format!("'{}", HOSTILE[0])), "the booker: {rows:?}");
    let people: Vec<&str> = rows[2..].iter().map(|r| r[5].as_str()).collect();
    let expected: Vec<String> = HOSTILE[1..].iter().map(|n| format!("'{n}")).collect();
    assert_eq!(people, expected);
    assert_eq!((rows[1][0].as_str(), rows[1][7].as_str()), ("2026-12-02", "预约成功"), "other cells as they were");
}

#[tokio::test]
async fn a_sessions_registrations_csv_neutralises_names_that_start_a_formula() {
    let (w, session) = World::with_lesson("微党课", 10).await;
    let app = &w.app;
    for (i, name) in HOSTILE.iter().enumerate() {
        let resident = w.client(Person::new(format!("1391111000{i}"), *name)).await;
        let reg = register(&resident, session).await;
        assert_eq!(reg["status"], "confirmed", "{reg}");
    }
    app.login(ORGANISER).await;
    let rows = rows(app.get(&format!("/manage/sessions/{session}/registrations.csv")).await).await;
    assert_eq!(rows.len(), 1 + 4);
    no_cell_starts_a_formula(&rows);
    let bookers: Vec<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
    let expected: Vec<String> = HOSTILE.iter().map(|n| format!("'{n}")).collect();
    assert_eq!(bookers, expected);
}

#[tokio::test]
async fn an_events_registrations_come_in_one_file_for_every_session_or_the_days_asked() {
    let (w, event) = World::with_event(false).await;
    let mut sessions = Vec::new();
    // Given out of order: the file lists the earliest first.
    for day in ["2026-12-12", "2026-12-05", "2026-12-19"] {
        let s = event
            .session(json!({"venue_id": LESSON_VENUE, "starts_at": format!("{day}T19:00:00+08:00"),
                "ends_at": format!("{day}T21:00:00+08:00"), "capacity": 30}))
            .await;
        sessions.push(s);
    }
    for (i, s) in sessions.iter().enumerate() {
        let resident = w.client(Person::new(format!("1391111100{i}"), format!("观众{i}"))).await;
        assert_eq!(register(&resident, *s).await["status"], "confirmed");
    }
    let app = &w.app;
    app.login(ORGANISER).await;
    let path = format!("/manage/events/{}/registrations.csv", event.id);
    let all = rows(app.get(&path).await).await;
    let days: Vec<&str> = all[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(days, ["2026-12-05", "2026-12-12", "2026-12-19"]);
    let some = rows(app.get(&format!("{path}?from=2026-12-10&to=")).await).await;
    let bookers: Vec<&str> = some[1..].iter().map(|r| r[3].as_str()).collect();
    assert_eq!(bookers, ["观众0", "观众2"]);
    let xlsx = app.get(&format!("/manage/events/{}/registrations.xlsx?to=2026-12-06", event.id)).await;
    assert_eq!(xlsx.status(), 200);
    use calamine::Reader as _;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().skip(1).map(|r| r[3].to_string()).collect();
    assert_eq!(cells, ["观众1"]);
    let bad = app.get(&format!("{path}?from=12/10")).await;
    assert_eq!(bad.status(), 400);
    assert!(!bad.text().await.unwrap().contains("ParseError"), "a translated refusal");
    w.user(Person::new("13911112000", "居民")).await;
    let resident = TestAppBrowser::new(app);
    resident.login("13911112000", PASSWORD).await;
    assert_eq!(resident.get(&path).await.status(), 403);
}
