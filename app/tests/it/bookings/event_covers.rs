//! Event cover images: uploaded by the organiser (API or back office), scaled and re-encoded,
//! served with long caching; refused with a reason when they are not pictures.

use std::io::Cursor;

use image::ImageFormat;

use crate::helpers::*;

/// A photo-sized PNG.
fn picture(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x / 8) as u8, (y / 8) as u8, 120]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn put_cover(w: &World, e: &Event, token: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .put(w.app.at(&format!("/api/v1/events/{}/cover", e.id)))
        .bearer_auth(token)
        .header("content-type", "image/png")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_organiser_sets_a_cover_that_is_scaled_and_cached() {
    let (w, e) = World::with_event(false).await;
    let r = put_cover(&w, &e, e.organizer.token(), picture(2400, 1600)).await;
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());

    let (_, event) = e.organizer.get(&format!("/events/{}", e.id)).await;
    let url = event["cover_url"].as_str().unwrap().to_owned();
    let served = reqwest::get(w.app.at(&url)).await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert!(served.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let etag = served.headers()["etag"].clone();
    let jpeg = served.bytes().await.unwrap();
    let decoded = image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1200, 800));

    let again = reqwest::Client::new().get(w.app.at(&url)).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(again.status(), 304);

    // The public page shows it.
    let (_, page) = w.app.page(&format!("/events/{}", e.id)).await;
    assert!(page.contains(&format!("class=\"cover\" src=\"{url}\"")), "{page}");
    let session = serde_json::json!({"venue_id": w.venues(1)[0], "starts_at": "2026-12-05T19:00:00+08:00",
        "ends_at": "2026-12-05T21:00:00+08:00", "capacity": 80});
    let (status, _) = e.organizer.post(&format!("/events/{}/sessions", e.id), session).await;
    assert_eq!(status, 201);
    let (_, list) = w.app.page("/events").await;
    assert!(list.contains(&url));

    let r = reqwest::Client::new()
        .delete(w.app.at(&format!("/api/v1/events/{}/cover", e.id)))
        .bearer_auth(e.organizer.token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, event) = e.organizer.get(&format!("/events/{}", e.id)).await;
    assert!(event["cover_url"].is_null());
    assert_eq!(reqwest::get(w.app.at("/images/999.jpg")).await.unwrap().status(), 404);
}

#[tokio::test]
async fn not_a_picture_or_not_the_organiser_changes_nothing() {
    let (w, e) = World::with_event(false).await;
    let gif = put_cover(&w, &e, e.organizer.token(), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()).await;
    assert_eq!(gif.status(), 422);
    let problem: serde_json::Value = gif.json().await.unwrap();
    assert_eq!(problem["detail"], "这个文件不是能用的照片，请换一张手机拍的照片或图片。", "{problem}");

    let resident = w.client(Person::new("13900000123", "居民").lives_in(YUNXIAOLU)).await;
    assert_eq!(put_cover(&w, &e, resident.token(), picture(100, 100)).await.status(), 403);

    let huge = vec![0u8; 11 * 1024 * 1024];
    assert_eq!(put_cover(&w, &e, e.organizer.token(), huge).await.status(), 413);

    let (_, event) = e.organizer.get(&format!("/events/{}", e.id)).await;
    assert!(event["cover_url"].is_null());
    assert_eq!(w.app.count("images").await, 0);
}

#[tokio::test]
async fn the_back_office_uploads_a_cover_with_its_form() {
    let (w, e) = World::with_event(false).await;
    w.app.login("13700000001").await;
    let (status, admin) = w.app.page(&format!("/manage/events/{}", e.id)).await;
    assert_eq!(status, 200);
    assert!(admin.contains("enctype=\"multipart/form-data\""));
    let csrf = csrf_in(&admin);
    let path = format!("/manage/events/{}/cover", e.id);
    let upload = |token: Option<&str>, bytes: Vec<u8>, name: &'static str| {
        let mut form = reqwest::multipart::Form::new();
        if let Some(t) = token {
            form = form.text("_csrf", t.to_owned());
        }
        form = form.part("cover", reqwest::multipart::Part::bytes(bytes).file_name(name));
        w.app.client.post(w.app.at(&path)).multipart(form)
    };

    // Without the form's token: refused, nothing kept.
    let forged = upload(None, picture(300, 200), "a.png").send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(w.app.count("images").await, 0);

    let wrong = upload(Some(&csrf), b"%PDF-1.7".to_vec(), "a.pdf").send().await.unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("这个文件不是能用的照片"));

    let ok = upload(Some(&csrf), picture(300, 200), "cover.png").send().await.unwrap();
    assert_eq!(ok.status(), 303);
    let (_, page) = w.app.page(&format!("/events/{}", e.id)).await;
    assert!(page.contains("class=\"cover\""), "{page}");
    assert_eq!(w.app.count("images").await, 1);

    // The remove button takes it away again.
    let form = reqwest::multipart::Form::new().text("_csrf", csrf.clone()).text("remove", "1");
    let removed = w.app.client.post(w.app.at(&path)).multipart(form).send().await.unwrap();
    assert_eq!(removed.status(), 303);
    let (_, page) = w.app.page(&format!("/events/{}", e.id)).await;
    assert!(!page.contains("class=\"cover\""));
}

/// A decompression bomb: a valid PNG of 12000×12000 black pixels, a few hundred kilobytes
/// that decode to 144 MB (432 MB as the RGB the old code made of it). Written row by row, so
/// the test never holds the picture itself.
fn bomb() -> Vec<u8> {
    use std::io::Write as _;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 12_000, 12_000);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().unwrap();
    let mut rows = writer.stream_writer().unwrap();
    let row = vec![0u8; 12_000];
    for _ in 0..12_000 {
        rows.write_all(&row).unwrap();
    }
    rows.finish().unwrap();
    writer.finish().unwrap();
    out
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let (w, e) = World::with_event(false).await;
    let bomb = bomb();
    assert!(bomb.len() < 1024 * 1024, "small on the wire: {} bytes", bomb.len());
    let r = put_cover(&w, &e, e.organizer.token(), bomb).await;
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("4000 万像素"), "{problem}");
    assert_eq!(w.app.count("images").await, 0);
}

#[tokio::test]
async fn uploads_past_the_decoders_line_are_told_to_come_back_shortly() {
    let (w, e) = World::with_event(false).await;
    // Every decoder at work and the line full.
    let held: Vec<_> =
        (0..ejia::media::DECODES + ejia::media::WAITING).map(|_| w.app.state.decoders.enter().unwrap()).collect();
    let r = put_cover(&w, &e, e.organizer.token(), picture(300, 200)).await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["detail"], "现在同时上传图片的人很多，请过几秒再试一次。", "{problem}");
    // The back office says so on a page, in the reader's language.
    w.app.login("13700000001").await;
    let (_, admin) = w.app.page(&format!("/manage/events/{}", e.id)).await;
    let csrf = csrf_in(&admin);
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .part("cover", reqwest::multipart::Part::bytes(picture(300, 200)).file_name("cover.png"));
    let page = w.app.client.post(w.app.at(&format!("/manage/events/{}/cover", e.id))).multipart(form).send().await;
    let page = page.unwrap();
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "5");
    let html = page.text().await.unwrap();
    assert!(html.contains("服务器正忙") && html.contains("请过几秒再试一次") && !html.contains("分钟后"), "{html}");
    assert_eq!(w.app.count("images").await, 0);
    // Once the line moves, the same upload goes through.
    drop(held);
    assert_eq!(put_cover(&w, &e, e.organizer.token(), picture(300, 200)).await.status(), 204);
}
