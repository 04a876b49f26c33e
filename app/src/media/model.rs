//! What an uploaded image becomes: at most [`MAX_WIDTH`]×[`MAX_HEIGHT`], JPEG, no metadata.
//! Pure: bytes in, bytes out.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{ImageDecoder as _, ImageFormat, ImageReader, Limits};
use sha2::{Digest as _, Sha256};

/// Largest kept size: sharp on a phone held upright or a laptop, a few hundred kilobytes.
pub const MAX_WIDTH: u32 = 1200;
/// See [`MAX_WIDTH`].
pub const MAX_HEIGHT: u32 = 900;
/// Largest accepted upload.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// A decoded picture larger than this (in pixels per side) is refused before decoding:
/// a small file can claim to be enormous.
const MAX_SIDE: u32 = 12_000;
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
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    // Phones store a photo as the sensor saw it and say in EXIF how to turn it; the EXIF goes,
    // so the turn is made now (the limits above still apply to the decoder).
    let mut decoder = reader.into_decoder().map_err(|_| "image.unreadable")?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(|_| "image.unreadable")?;
    picture.apply_orientation(orientation);
    let picture = if picture.width() > MAX_WIDTH || picture.height() > MAX_HEIGHT {
        picture.resize(MAX_WIDTH, MAX_HEIGHT, FilterType::Triangle)
    } else {
        picture
    };
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

    #[test]
    fn a_phone_photos_exif_turn_is_applied_before_the_exif_goes() {
        let rgb = image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([(x * 4) as u8, 0, 0]));
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
        let upright = process(&tagged).unwrap();
        assert_eq!((upright.width, upright.height), (48, 64));
        assert!(!upright.jpeg.windows(4).any(|w| w == b"Exif"));
        assert_eq!((process(&jpeg).unwrap().width, process(&jpeg).unwrap().height), (64, 48));
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
