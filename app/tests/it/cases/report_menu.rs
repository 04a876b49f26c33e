//! The report's first and last screens as a resident meets them: the common problems and a
//! search by hanzi or pinyin to find a category in one tap, plain names (the case's title is the
//! category's own name), and before filing the photo's thumbnail and the position on the
//! district's map with the nearest community.

use crate::helpers::*;

const RESIDENT: &str = "13911113333";
const NEIGHBOUR: &str = "13911114444";
/// 占道经营, a district addition filed under the standard's 06 扩展事件.
const STALL: &str = "0601";
/// 暴露垃圾.
const LITTER: &str = "0102";

async fn world() -> World {
    World::district()
        .await
        .with([Person::new(RESIDENT, "赵先生").lives_in(YUNXIAOLU), Person::new(NEIGHBOUR, "钱女士")])
        .await
}

/// The ids of the categories screen 1 offers as one-tap buttons, in page order.
fn offered(page: &str) -> Vec<String> {
    page.split("name=\"pick\" value=\"").skip(1).map(|s| s.split('"').next().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn common_problems_come_first_and_the_search_takes_hanzi_initials_and_full_pinyin() {
    let w = world().await;
    let app = &w.app;
    app.login(RESIDENT).await;
    let (stall, litter) = (w.category(STALL).to_string(), w.category(LITTER).to_string());
    let (_, page) = app.page("/report").await;
    let all = offered(&page);
    // The common ones, with their icons, before the full list (which has them again).
    let common: Vec<&String> = all.iter().take_while(|id| all.iter().filter(|o| o == id).count() == 2).collect();
    assert!(common.len() >= 8 && common[0] == &stall && common.contains(&&litter), "{common:?}");
    assert!(page.contains("class=\"problem-icon\""));
    assert!(!page.contains("扩展事件") && page.contains("街面秩序"), "plain headings");
    for q in ["zd", "zhandao", "ZhanDao", "占道"] {
        let (status, page) = app.page(&format!("/report?q={}", urlencode(q))).await;
        assert_eq!(status, 200);
        let found = offered(&page);
        assert!(found.contains(&stall) && !found.contains(&litter), "{q}: {found:?}");
        assert!(!page.contains("常见问题"), "{q}: only what was found");
    }
    let (_, page) = app.page("/report?q=xqxqxq").await;
    assert!(offered(&page).is_empty() && page.contains("没有找到"));
    // The search from the form keeps what was typed on screen 2.
    let r = app.post("/report", &[("step", "search"), ("q", "zd"), ("description", "门口的水果摊")]).await;
    let page = r.text().await.unwrap();
    assert!(offered(&page).contains(&stall) && page.contains("name=\"description\" value=\"门口的水果摊\""));
    // One tap on a problem is screen 2, with its plain name.
    let r = app.post("/report", &[("pick", stall.as_str()), ("description", "门口的水果摊")]).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 2 步") && page.contains("占道经营") && !page.contains("扩展事件"));
    assert!(page.contains(">门口的水果摊</textarea>"));
}

#[tokio::test]
async fn before_filing_the_resident_sees_the_photo_and_the_position_on_the_map_and_the_title_is_plain() {
    let w = world().await;
    let app = &w.app;
    app.login(RESIDENT).await;
    let stall = w.category(STALL).to_string();
    let (_, page) = app.page(&format!("/report?category={stall}")).await;
    // Screen 2 with a photo and the phone's position (by 五四广场), straight on to screen 3.
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([(x * 5) as u8, (y * 7) as u8, 90]));
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut png, image::ImageFormat::Png).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf_in(&page))
        .text("step", "preview")
        .text("category_id", stall.clone())
        .text("description", "人行道上摆满了水果摊")
        .text("lat", "36.0621")
        .text("lng", "120.3838")
        .part("photo", reqwest::multipart::Part::bytes(png.into_inner()).file_name("stall.png"));
    let r = app.client.post(app.at("/report")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 3 步"));
    let thumb = page
        .split("<img src=\"")
        .find(|s| s.starts_with("/report/photos/"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(thumb.starts_with("/report/photos/") && page.contains("您附的第 1 张照片"));
    assert_eq!(app.get(&thumb).await.status(), 200);
    // Another resident cannot open it, even with its address.
    let other = TestAppBrowser::new(app);
    other.login(NEIGHBOUR, PASSWORD).await;
    assert_eq!(other.get(&thumb).await.status(), 404);
    // The position: the nearest community by the district's data, and the map with the point.
    assert!(page.contains("靠近 香港中路街道 · "), "the nearest community is named");
    assert!(page.contains("class=\"located-map\"") && page.contains("class=\"map-here\""));
    let map = page.split("class=\"located-map\"").nth(1).unwrap();
    assert!(map.contains("viewBox=\"0 0 ") && !map.contains("<svg width"), "the map scales to its box");
    // Filed: the case's title is the category's own name.
    let photos = page.split("name=\"photos\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let fields = [
        ("step", "submit"),
        ("category_id", stall.as_str()),
        ("description", "人行道上摆满了水果摊"),
        ("lat", "36.0621"),
        ("lng", "120.3838"),
        ("photos", photos.as_str()),
    ];
    let r = app.post("/report", &fields).await;
    assert_eq!(r.status(), 303);
    let (_, mine) = app.page("/me/cases").await;
    assert!(mine.contains("占道经营") && !mine.contains("扩展事件"));
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
