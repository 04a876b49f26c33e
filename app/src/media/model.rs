//! What an uploaded image becomes: at most [`MAX_WIDTH`]×[`MAX_HEIGHT`], JPEG, no metadata.
//! Pure: bytes in, bytes out.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder as _, ImageError, ImageFormat, ImageReader, Limits};
use sha2::{Digest as _, Sha256};

/// Largest kept size: sharp on a phone held upright or a laptop, a few hundred kilobytes.
pub const MAX_WIDTH: u32 = 1200;
/// See [`MAX_WIDTH`].
pub const MAX_HEIGHT: u32 = 900;
/// Largest accepted upload.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Largest picture decoded, in pixels (40 MP: a phone's full-resolution photo is 12–16 MP; the
/// 48–200 MP modes some phones offer are refused with a message). Checked from the file's
/// header before decoding: a few hundred kilobytes of PNG can claim 12000×12000 pixels,
/// which decoded take 432 MB.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side decoded: a panorama may be long, but not a strip of a million pixels.
const MAX_SIDE: u32 = 12_000;
/// Largest single allocation a decoder may make: 8-bit RGBA at [`MAX_PIXELS`]. A 16-bit
/// picture that would need more is refused like a too large one.
const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4;
const QUALITY: u8 = 82;

/// A processed image, ready to keep.
#[derive(Debug, Clone)]
pub struct Processed {
    /// JPEG bytes.
    pub jpeg: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// SHA-256 of the JPEG, hex: the same picture uploaded twice is kept once.
    pub sha256: String,
}

/// Checks and converts an upload. Errors are message keys.
pub fn process(upload: &[u8]) -> Result<Processed, &'static str> {
    if upload.is_empty() {
        return Err("image.missing");
    }
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err("image.too_large");
    }
    let mut reader = ImageReader::new(Cursor::new(upload)).with_guessed_format().map_err(|_| "image.unreadable")?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) {
        return Err("image.wrong_type");
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    // Making the decoder reads the header only; the pixels are counted before any is decoded.
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err("image.too_many_pixels");
    }
    // Phones store a photo as the sensor saw it and say in EXIF how to turn it; the EXIF goes,
    // so the turn is made — after scaling down, on the small picture, with the box turned too.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let picture = image::DynamicImage::from_decoder(decoder).map_err(refusal)?;
    let turned = matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    );
    let (box_w, box_h) = if turned { (MAX_HEIGHT, MAX_WIDTH) } else { (MAX_WIDTH, MAX_HEIGHT) };
    let mut picture = scale_into(picture, box_w, box_h);
    picture.apply_orientation(orientation);
    // JPEG has no alpha: flatten onto white rather than black, as a transparent logo expects.
    let rgb = if picture.color().has_alpha() {
        let rgba = picture.to_rgba8();
        let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
        for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
            let a = u16::from(px[3]);
            let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
            *out = image::Rgb([blend(px[0]), blend(px[1]), blend(px[2])]);
        }
        rgb
    } else {
        picture.to_rgb8()
    };
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, QUALITY).encode_image(&rgb).map_err(|_| "image.unreadable")?;
    let sha256 = hex::encode(Sha256::digest(&jpeg));
    Ok(Processed { width: rgb.width(), height: rgb.height(), jpeg, sha256 })
}

/// A picture too large for the limits gets its own message; any other failure is unreadable.
fn refusal(e: ImageError) -> &'static str {
    match e {
        ImageError::Limits(_) => "image.too_many_pixels",
        _ => "image.unreadable",
    }
}

/// Scales a picture down to fit the box, keeping its shape. A picture more than twice the box
/// is first brought to twice the box by area averaging, which needs no memory beyond its
/// result; the filtered resize that follows (sharper, but with a floating-point copy as large
/// as the picture's width times the box's height) then works on a small picture only.
fn scale_into(picture: DynamicImage, box_w: u32, box_h: u32) -> DynamicImage {
    if picture.width() <= box_w && picture.height() <= box_h {
        return picture;
    }
    let picture = if picture.width() > 2 * box_w || picture.height() > 2 * box_h {
        picture.thumbnail(2 * box_w, 2 * box_h)
    } else {
        picture
    };
    picture.resize(box_w, box_h, FilterType::Triangle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let picture =
            image::RgbaImage::from_fn(width, height, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]));
        let mut out = Cursor::new(Vec::new());
        image::DynamicImage::ImageRgba8(picture).write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    /// A JPEG of `width`×`height` whose EXIF says: turn 90° clockwise to show it.
    fn turned_jpeg(width: u32, height: u32) -> (Vec<u8>, Vec<u8>) {
        let rgb = image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x * 4) as u8, 0, 0]));
        let mut jpeg = Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(rgb).write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
        let jpeg = jpeg.into_inner();
        // APP1 Exif, big-endian TIFF, one IFD entry: Orientation (0x0112) = 6, turn 90° clockwise.
        let exif: &[u8] = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0";
        let mut tagged = jpeg[..2].to_vec();
        tagged.extend_from_slice(&[0xFF, 0xE1]);
        tagged.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        tagged.extend_from_slice(exif);
        tagged.extend_from_slice(&jpeg[2..]);
        (tagged, jpeg)
    }

    #[test]
    fn a_phone_photos_exif_turn_is_applied_before_the_exif_goes() {
        let (tagged, jpeg) = turned_jpeg(64, 48);
        let upright = process(&tagged).unwrap();
        assert_eq!((upright.width, upright.height), (48, 64));
        assert!(!upright.jpeg.windows(4).any(|w| w == b"Exif"));
        assert_eq!((process(&jpeg).unwrap().width, process(&jpeg).unwrap().height), (64, 48));
        // A large one is scaled first and turned after, into the upright box.
        let (tagged, _) = turned_jpeg(1600, 1200);
        let upright = process(&tagged).unwrap();
        assert_eq!((upright.width, upright.height), (675, 900));
    }

    #[test]
    fn a_large_photo_is_scaled_into_the_box_keeping_its_shape() {
        let p = process(&encoded(3000, 2000, ImageFormat::Png)).unwrap();
        assert_eq!((p.width, p.height), (1200, 800));
        assert_eq!(&p.jpeg[..3], &[0xFF, 0xD8, 0xFF], "kept as JPEG");
        let tall = process(&encoded(1000, 3000, ImageFormat::Png)).unwrap();
        assert_eq!((tall.width, tall.height), (300, 900));
    }

    #[test]
    fn a_small_picture_keeps_its_size() {
        let p = process(&encoded(640, 360, ImageFormat::Png)).unwrap();
        assert_eq!((p.width, p.height), (640, 360));
    }

    #[test]
    fn transparency_becomes_white() {
        let clear = image::RgbaImage::from_pixel(16, 16, image::Rgba([0, 0, 0, 0]));
        let mut png = Cursor::new(Vec::new());
        image::DynamicImage::ImageRgba8(clear).write_to(&mut png, ImageFormat::Png).unwrap();
        let p = process(&png.into_inner()).unwrap();
        let back = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
        assert!(back.pixels().all(|px| px[0] > 240 && px[1] > 240 && px[2] > 240));
    }

    /// A PNG that claims `width`×`height` 8-bit RGB pixels and carries next to none: what a
    /// decoder would allocate for it is all it costs.
    fn claims(width: u32, height: u32) -> Vec<u8> {
        fn crc(bytes: &[u8]) -> u32 {
            let mut c = !0u32;
            for &b in bytes {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
                }
            }
            !c
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, data) in [
            (&b"IHDR"[..], [&width.to_be_bytes()[..], &height.to_be_bytes(), &[8, 2, 0, 0, 0]].concat()),
            (b"IDAT", vec![0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
            (b"IEND", Vec::new()),
        ] {
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let chunk = [kind, &data].concat();
            png.extend_from_slice(&chunk);
            png.extend_from_slice(&crc(&chunk).to_be_bytes());
        }
        png
    }

    #[test]
    fn a_picture_of_too_many_pixels_is_refused_from_its_header() {
        assert_eq!(process(&claims(12_000, 12_000)).unwrap_err(), "image.too_many_pixels");
        assert_eq!(process(&claims(8_000, 5_001)).unwrap_err(), "image.too_many_pixels");
        assert_eq!(process(&claims(12_001, 10)).unwrap_err(), "image.too_many_pixels", "too long a side");
        // Within the limits, the same empty file is merely unreadable.
        assert_eq!(process(&claims(8_000, 5_000)).unwrap_err(), "image.unreadable");
    }

    #[test]
    fn other_files_are_refused_with_a_reason() {
        assert_eq!(process(b"").unwrap_err(), "image.missing");
        assert_eq!(process(b"GIF89a\x01\x00\x01\x00").unwrap_err(), "image.wrong_type");
        assert_eq!(process(b"%PDF-1.7 not a picture").unwrap_err(), "image.wrong_type");
        let mut broken = encoded(64, 64, ImageFormat::Png);
        broken.truncate(60);
        assert_eq!(process(&broken).unwrap_err(), "image.unreadable");
    }

    #[test]
    fn the_same_picture_has_the_same_fingerprint() {
        let a = process(&encoded(100, 80, ImageFormat::Png)).unwrap();
        let b = process(&encoded(100, 80, ImageFormat::Png)).unwrap();
        assert_eq!(a.sha256, b.sha256);
        assert_eq!(a.sha256.len(), 64);
    }
}
