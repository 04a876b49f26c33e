//! Photos of cases: JPEG, PNG and WebP accepted, hostile files refused with a message and
//! nothing stored, EXIF (GPS) dropped, after-photos only by the department, and the pictures
//! private to the parties.

use reqwest::Method;
use serde_json::json;

use crate::helpers::case_cast::*;
use crate::helpers::*;

fn picture(format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A JPEG carrying an EXIF segment with a GPS marker, as phones write them.
fn jpeg_with_exif() -> Vec<u8> {
    let jpeg = picture(image::ImageFormat::Jpeg);
    let payload = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude 36.0611 GPSLongitude 120.3836";
    let len = (payload.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[tokio::test]
async fn photos_are_checked_stripped_and_private() {
    let w = World::for_cases().await;
    let id = w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    let photos = format!("/cases/{id}/photos");
    // Hostile or wrong files: a clear message, nothing stored.
    for (body, why) in [
        (Vec::new(), "请选择一张图片"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(), "这个文件不是能用的照片"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), "这个文件不是能用的照片"),
        (picture(image::ImageFormat::Png)[..60].to_vec(), "无法读取"),
    ] {
        let (status, _, text) = w.api(RESIDENT).raw(Method::POST, &photos, body).await;
        assert_eq!(status, 422);
        assert!(String::from_utf8_lossy(&text).contains(why), "{}", String::from_utf8_lossy(&text));
    }
    let (status, _, _) = w.api(RESIDENT).raw(Method::POST, &photos, vec![0u8; 11 * 1024 * 1024]).await;
    assert_eq!(status, 413);
    assert_eq!(w.app.count("case_photos").await, 0);
    assert_eq!(w.app.count("images").await, 0);
    // JPEG (with EXIF), PNG and WebP are kept, as JPEG without the EXIF.
    for body in [jpeg_with_exif(), picture(image::ImageFormat::Png), picture(image::ImageFormat::WebP)] {
        let (status, _, text) = w.api(RESIDENT).raw(Method::POST, &photos, body).await;
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&text));
    }
    let (_, case) = w.api(RESIDENT).get(&format!("/cases/{id}")).await;
    let list = case["photos"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let first = list[0]["id"].as_i64().unwrap();
    let (status, kind, bytes) = w.api(RESIDENT).raw(Method::GET, &format!("{photos}/{first}"), Vec::new()).await;
    assert_eq!((status, kind.as_str()), (200, "image/jpeg"));
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    assert!(!bytes.windows(4).any(|w| w == b"Exif") && !bytes.windows(3).any(|w| w == b"GPS"), "EXIF dropped");
    // Private: not at the public image URL, not to another department.
    let public = reqwest::get(w.app.at(&format!("/images/{first}.jpg"))).await.unwrap();
    assert_eq!(public.status(), 404);
    assert_eq!(w.api(OTHER_HANDLER).raw(Method::GET, &format!("{photos}/{first}"), Vec::new()).await.0, 404);
    // After-photos: the department's, once the case is with it.
    let after = format!("{photos}?kind=after");
    assert_eq!(w.api(RESIDENT).raw(Method::POST, &after, picture(image::ImageFormat::Png)).await.0, 403);
    act(w.api(DISPATCHER), id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    let (status, _, _) = w.api(HANDLER).raw(Method::POST, &after, picture(image::ImageFormat::Jpeg)).await;
    assert_eq!(status, 201);
    let (_, case) = w.api(HANDLER).get(&format!("/cases/{id}")).await;
    assert_eq!(case["photos"][3]["kind"], "after");
    assert_eq!(w.api(RESIDENT).raw(Method::POST, &format!("{photos}?kind=before"), Vec::new()).await.0, 422);
}

#[tokio::test]
async fn the_case_page_shows_its_photos_and_takes_new_ones() {
    let w = World::for_cases().await;
    let id = w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    // The API's resident (phone 13600000000) logs in on the site.
    w.app.login("13600000000").await;
    let (status, page) = w.app.page(&format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("还没有照片") && page.contains("enctype=\"multipart/form-data\""));
    let csrf = crate::helpers::csrf_in(&page);
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("kind", "report")
            .part("photo", reqwest::multipart::Part::bytes(bytes).file_name("p.png"));
        w.app.client.post(w.app.at(&format!("/cases/{id}/photos"))).multipart(form).send()
    };
    let wrong = upload(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()).await.unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("这个文件不是能用的照片"));
    let done = upload(picture(image::ImageFormat::Png)).await.unwrap();
    assert_eq!(done.status(), 303);
    let (_, page) = w.app.page(&format!("/cases/{id}")).await;
    let marker = format!("src=\"/cases/{id}/photos/");
    let rest = page.split(marker.as_str()).nth(1).expect("a photo on the page");
    let src = format!("/cases/{id}/photos/{}", rest.split('"').next().unwrap());
    assert!(src.ends_with(".jpg"), "{src}");
    let r = w.app.client.get(w.app.at(&src)).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (200, "image/jpeg"));
    // Another resident's browser gets nothing.
    w.user(Person::new("13911110000", "路人")).await;
    w.app.login("13911110000").await;
    assert_eq!(w.app.client.get(w.app.at(&src)).send().await.unwrap().status(), 404);
}
