//! Images in the database.

use sqlx::Row as _;

use crate::db::Conn;
use crate::ids::UserId;
use crate::media::model::Processed;

/// Keeps a processed image, or finds the same picture kept before; returns its id. A public
/// image (a cover) is served to anyone; a private one (a case photo) only through the pages
/// of what it belongs to. The same picture kept privately and then published becomes public:
/// its bytes are being published on purpose.
pub async fn insert(conn: &mut Conn, p: &Processed, public: bool, by: UserId, now: i64) -> Result<i64, sqlx::Error> {
    if let Some(id) = sqlx::query_scalar::<_, i64>("select image_id from images where sha256 = $1")
        .bind(&p.sha256)
        .fetch_optional(&mut *conn)
        .await?
    {
        if public {
            sqlx::query("update images set public = 1 where image_id = $1").bind(id).execute(&mut *conn).await?;
        }
        return Ok(id);
    }
    // Two people uploading the very same picture at the same instant: the loser of the
    // unique index finds the winner's row.
    let inserted = sqlx::query_scalar(
        "insert into images (sha256, content_type, width, height, bytes, created_by, created_at, public) \
         values ($1, 'image/jpeg', $2, $3, $4, $5, $6, $7) on conflict (sha256) do nothing returning image_id",
    )
    .bind(&p.sha256)
    .bind(i64::from(p.width))
    .bind(i64::from(p.height))
    .bind(p.jpeg.as_slice())
    .bind(by.0)
    .bind(now)
    .bind(i64::from(public))
    .fetch_optional(&mut *conn)
    .await?;
    match inserted {
        Some(id) => Ok(id),
        None => {
            sqlx::query_scalar("select image_id from images where sha256 = $1").bind(&p.sha256).fetch_one(conn).await
        }
    }
}

/// An image to serve.
#[derive(Debug, Clone)]
pub struct Stored {
    /// MIME type.
    pub content_type: String,
    /// Fingerprint, for the ETag.
    pub sha256: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// One image; with `public_only`, only if it is public.
pub async fn get(conn: &mut Conn, id: i64, public_only: bool) -> Result<Option<Stored>, sqlx::Error> {
    let row =
        sqlx::query("select content_type, sha256, bytes from images where image_id = $1 and (public = 1 or $2 = 0)")
            .bind(id)
            .bind(i64::from(public_only))
            .fetch_optional(conn)
            .await?;
    row.map(|r| {
        Ok(Stored {
            content_type: r.try_get("content_type")?,
            sha256: r.try_get("sha256")?,
            bytes: r.try_get("bytes")?,
        })
    })
    .transpose()
}
