//! The appointment pages: a resident books through the site for an elderly parent, a double
//! submit books once, the ticket has a QR code, staff mark attendance and export the day.

use serde_json::json;

use crate::helpers::*;

/// Who runs the service: an organiser of 区卫健局.
const HEALTH_ORGANISER: &str = "13700000009";

/// A district where [`HEALTH_ORGANISER`] runs 流感疫苗接种 with one slot tomorrow morning;
/// (world, service, slot).
async fn service_with_slot(capacity: i64, real_name: bool) -> (World, i64, i64) {
    let w = World::district().await.with([Person::new(HEALTH_ORGANISER, "组织者").organiser_of(HEALTH).api()]).await;
    let body = json!({"name": "流感疫苗接种", "real_name_required": real_name, "department_id": w.department(HEALTH)});
    let service = w.service(HEALTH_ORGANISER, body).await;
    let slot = service.slot(capacity, json!({})).await;
    (w, service.id, slot)
}

fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in page")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_resident_books_for_a_parent_and_a_double_submit_books_once() {
    let (w, service, slot) = service_with_slot(2, true).await;
    let app = &w.app;
    w.user(Person::new("13911112222", "王女士").lives_in(YUNXIAOLU)).await;
    app.login("13911112222").await;
    // The parent first: an invalid ID number is refused next to its field.
    let r = app
        .post("/me/people", &[("name", "王秀英"), ("relation", "parent"), ("id_number", "37020219500101123X")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("身份证号不正确"));
    let id = resident_id("37020219500101123");
    assert_eq!(
        app.post("/me/people", &[("name", "王秀英"), ("relation", "parent"), ("id_number", &id)]).await.status(),
        303
    );
    let (_, people) = app.page("/me/people").await;
    assert!(people.contains("王秀英") && people.contains("3702**********") && !people.contains(&id));
    // The service page offers the slot and the parent.
    let (status, page) = app.page(&format!("/services/{service}?date=2026-12-02")).await;
    assert_eq!(status, 200);
    assert!(page.contains("08:30–09:00") && page.contains("父母 · 王秀英"));
    let token = field(&page, "token");
    let person = page
        .split("父母 · 王秀英")
        .next()
        .unwrap()
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // Booking for oneself is refused (no ID on file), with the reason shown at the slot.
    let r =
        app.post(&format!("/slots/{slot}/book"), &[("token", &token), ("person_id", ""), ("date", "2026-12-02")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("实名预约"));
    // For the parent: booked. The same form sent again books nothing more.
    for _ in 0..2 {
        let r = app
            .post(
                &format!("/slots/{slot}/book"),
                &[("token", &format!("{token}x")), ("person_id", &person), ("date", "2026-12-02")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/me/bookings");
    }
    assert_eq!(app.count("reservations").await, 1);
    let (_, mine) = app.page("/me/bookings").await;
    assert!(mine.contains("预约成功") && mine.contains("王秀英") && mine.contains("流感疫苗接种"));
    let id: i64 = mine.split("/bookings/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    let qr = app.get(&format!("/bookings/{id}/ticket.svg")).await;
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().starts_with("<?xml"));
    // Nobody else sees the ticket.
    let other = TestAppBrowser::new(app);
    w.user(Person::new("13911113333", "别人")).await;
    other.login("13911113333", PASSWORD).await;
    assert_eq!(other.get(&format!("/bookings/{id}/ticket.svg")).await.status(), 404);
    // Cancelling from the page.
    assert_eq!(app.post(&format!("/bookings/{id}/cancel"), &[]).await.status(), 303);
    let (_, mine) = app.page("/me/bookings").await;
    assert!(mine.contains("预约已取消"));
}

#[tokio::test]
async fn staff_see_the_day_mark_attendance_and_export_it() {
    let (w, service, slot) = service_with_slot(5, false).await;
    let app = &w.app;
    let resident = w.client(Person::new("13911112222", "李大爷")).await;
    let (_, booked) = resident.book(slot, None).await;
    let code = booked["code"].as_str().unwrap().to_owned();
    // A resident cannot open the sheet.
    let other = TestAppBrowser::new(app);
    other.login("13911112222", PASSWORD).await;
    assert_eq!(other.get(&format!("/manage/services/{service}?date=2026-12-02")).await.status(), 403);
    app.login(HEALTH_ORGANISER).await;
    let sheet_path = format!("/manage/services/{service}?date=2026-12-02");
    let (status, sheet) = app.page(&sheet_path).await;
    assert_eq!(status, 200);
    assert!(sheet.contains("李大爷") && sheet.contains(&code));
    let id = booked["id"].as_i64().unwrap();
    let r = app.post(&format!("/manage/bookings/{id}/mark"), &[("status", "attended"), ("back", &sheet_path)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"].to_str().unwrap(), sheet_path);
    let csv = app.get(&format!("/manage/services/{service}/export.csv?date=2026-12-02")).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "a byte-order mark for spreadsheet programs");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["日期", "时段", "地点", "预约人", "手机号", "被预约人", "预约码", "状态"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!((&rows[0][0], &rows[0][1]), ("2026-12-02", "08:30–09:00"));
    assert_eq!(&rows[0][6], code);
    assert_eq!(&rows[0][7], "已到场");
    // The same as XLSX, read back with a spreadsheet reader.
    let xlsx = app.get(&format!("/manage/services/{service}/export.xlsx?date=2026-12-02")).await;
    assert_eq!(xlsx.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = xlsx.bytes().await.unwrap();
    use calamine::Reader as _;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect();
    assert_eq!(cells[0][7], "状态");
    assert_eq!(cells[1][6], code);
    assert_eq!(cells[1][7], "已到场");
}
