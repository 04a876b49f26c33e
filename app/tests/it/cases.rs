//! Cases: categories and the working-time calendar as data in the database.

use chrono::{NaiveDate, NaiveDateTime};
use ejia::cases::store;
use ejia::cases::worktime::TimeLimit;

use crate::helpers::*;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[tokio::test]
async fn a_district_import_seeds_the_reference_categories_with_their_department_and_limits() {
    let app = TestApp::with_district().await;
    let mut conn = app.state.db.conn().await.unwrap();
    let all = store::categories(&mut conn).await.unwrap();
    let majors: Vec<&str> = all.iter().filter(|c| c.parent_code.is_none()).map(|c| c.code.as_str()).collect();
    assert_eq!(majors, ["01", "02", "03", "04", "05", "06"]);
    assert!(all.len() > 60, "{}", all.len());
    let departments = ejia::org::store::list_departments(&mut conn, 0, 100).await.unwrap();
    let enforcement = departments.iter().find(|d| d.name == "区综合行政执法局").unwrap().id;
    let illegal_building = all.iter().find(|c| c.code == "0101").unwrap();
    assert_eq!(illegal_building.name, "私搭乱建");
    assert_eq!(illegal_building.limit, Some(TimeLimit::Hours(4)));
    assert_eq!(illegal_building.department_id, Some(enforcement));
    assert!(illegal_building.photos_required && illegal_building.public);
    let occupation = all.iter().find(|c| c.code == "0601").unwrap();
    assert_eq!((occupation.name.as_str(), occupation.parent_code.as_deref()), ("占道经营", Some("06")));
    assert!(all.iter().filter(|c| c.parent_code.is_none()).all(|c| c.department_id.is_none() && c.limit.is_none()));
}

#[tokio::test]
async fn the_calendar_is_data_holidays_and_make_up_days_move_deadlines() {
    let app = TestApp::with_district().await;
    let mut conn = app.state.db.conn().await.unwrap();
    let calendar = store::work_calendar(&mut conn).await.unwrap();
    assert_eq!(calendar, ejia::cases::worktime::WorkCalendar::office(), "the import stores the office week");
    // Friday 16:00 + 4 working hours: Monday, with the weekend skipped.
    let friday = at("2026-12-04 16:00");
    let plain = calendar.deadline(friday, TimeLimit::Hours(4));
    assert_eq!(plain.date(), NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    // The back office makes that Monday a holiday: the deadline moves to Tuesday; then makes
    // the Saturday a working day: it comes back to Saturday.
    let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    store::set_work_day(&mut conn, monday, Some("holiday"), "test holiday", 0).await.unwrap();
    let calendar = store::work_calendar(&mut conn).await.unwrap();
    assert_eq!(calendar.deadline(friday, TimeLimit::Hours(4)), plain + chrono::Duration::days(1));
    let saturday = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    store::set_work_day(&mut conn, saturday, Some("workday"), "调休", 0).await.unwrap();
    let calendar = store::work_calendar(&mut conn).await.unwrap();
    assert_eq!(calendar.deadline(friday, TimeLimit::Hours(4)).date(), saturday);
    // Taking the exceptions back restores the plain week.
    store::set_work_day(&mut conn, saturday, None, "", 0).await.unwrap();
    store::set_work_day(&mut conn, monday, None, "", 0).await.unwrap();
    assert_eq!(store::work_calendar(&mut conn).await.unwrap(), ejia::cases::worktime::WorkCalendar::office());
}
