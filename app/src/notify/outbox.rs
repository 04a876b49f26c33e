//! The SMS outbox (`sms_outbox`): texts queued in the transaction that decides them (a
//! registration code with the verification it belongs to), handed to the SMS gateway by the
//! background job; and the record of what the development gateway "sent".
//!
//! A text that carries a secret keeps two bodies: `body`, the text with the code masked, which
//! may stay; and `sealed_body`, the whole text sealed with the installation's key, so the
//! database alone never shows a usable code. The sealed body is dropped once the text is handed
//! to a provider or, at the latest, once the code expires — the verification keeps only the
//! code's hash, so nothing needs it after that. The development gateway hands nothing over (the
//! outbox is where its texts are read, with `ejia sms outbox`), so there a code stays readable,
//! sealed, until it expires.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::crypto::Keys;
use crate::db::Conn;

/// A text in the outbox.
#[derive(Debug, Clone)]
pub struct Sms {
    /// Id.
    pub id: i64,
    /// Sealed phone number.
    pub phone_sealed: String,
    /// Masked phone number.
    pub phone_masked: String,
    /// The text as it may be kept (a code in it masked).
    pub body: String,
    /// The whole text, sealed, while it carries a secret not yet handed over or expired.
    pub sealed_body: Option<String>,
    /// When queued (Unix seconds).
    pub created_at: i64,
    /// When handed to the gateway, if it was.
    pub sent_at: Option<i64>,
}

impl Sms {
    /// The whole text while there is one (opened with `keys`), else the kept body.
    pub fn text(&self, keys: &Keys) -> String {
        self.sealed_body.as_deref().and_then(|sealed| keys.open(sealed).ok()).unwrap_or_else(|| self.body.clone())
    }
}

/// A text carrying a secret, e.g. a registration code.
#[derive(Debug, Clone, Copy)]
pub struct SecretText<'a> {
    /// The whole text, to be sent.
    pub text: &'a str,
    /// The same with the secret masked, to be kept.
    pub masked: &'a str,
    /// When the secret stops being good (Unix seconds): it is not sent, nor kept, after.
    pub expires_at: i64,
}

const COLUMNS: &str = "sms_id, phone_sealed, phone_masked, body, sealed_body, created_at, sent_at";

fn sms(row: &AnyRow) -> Result<Sms, sqlx::Error> {
    Ok(Sms {
        id: row.try_get("sms_id")?,
        phone_sealed: row.try_get("phone_sealed")?,
        phone_masked: row.try_get("phone_masked")?,
        body: row.try_get("body")?,
        sealed_body: row.try_get("sealed_body")?,
        created_at: row.try_get("created_at")?,
        sent_at: row.try_get("sent_at")?,
    })
}

/// Queues a text to a (sealed) phone number, for the gateway.
pub async fn queue_sms(
    conn: &mut Conn,
    phone_sealed: &str,
    phone_masked: &str,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    insert(conn, phone_sealed, phone_masked, body, None, now).await
}

/// Queues a text carrying a secret: the database gets it sealed, and masked.
pub async fn queue_secret_sms(
    conn: &mut Conn,
    keys: &Keys,
    phone_sealed: &str,
    phone_masked: &str,
    secret: SecretText<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let sealed = keys.seal(secret.text);
    insert(conn, phone_sealed, phone_masked, secret.masked, Some((&sealed, secret.expires_at)), now).await
}

async fn insert(
    conn: &mut Conn,
    phone_sealed: &str,
    phone_masked: &str,
    body: &str,
    secret: Option<(&str, i64)>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into sms_outbox (phone_sealed, phone_masked, body, sealed_body, expires_at, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(phone_sealed)
    .bind(phone_masked)
    .bind(body)
    .bind(secret.map(|(sealed, _)| sealed))
    .bind(secret.map(|(_, expires)| expires))
    .bind(now)
    .execute(conn)
    .await?;
    tracing::info!(to = phone_masked, "sms queued");
    Ok(())
}

/// Records a text the development gateway "sent": it lands here, already sent.
pub async fn record_sent(
    conn: &mut Conn,
    phone_sealed: &str,
    phone_masked: &str,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into sms_outbox (phone_sealed, phone_masked, body, created_at, sent_at) values ($1, $2, $3, $4, $4)",
    )
    .bind(phone_sealed)
    .bind(phone_masked)
    .bind(body)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The newest texts, newest first.
pub async fn recent_sms(conn: &mut Conn, limit: i64) -> Result<Vec<Sms>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from sms_outbox order by sms_id desc limit $1");
    let rows = sqlx::query(&sql).bind(limit).fetch_all(conn).await?;
    rows.iter().map(sms).collect()
}

/// Claims up to `limit` queued texts for the gateway, oldest first, leaving out secrets that
/// have expired. As with notices, a claimed row is marked first, so instances side by side
/// never send one twice.
pub async fn claim_queued(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<Sms>, sqlx::Error> {
    let sql = format!(
        "update sms_outbox set sent_at = $1 where sms_id in \
         (select sms_id from sms_outbox where sent_at is null and (expires_at is null or expires_at > $1) \
          order by sms_id limit $2) \
         and sent_at is null returning {COLUMNS}"
    );
    let rows = sqlx::query(&sql).bind(now).bind(limit).fetch_all(conn).await?;
    let mut out: Vec<Sms> = rows.iter().map(sms).collect::<Result<_, _>>()?;
    out.sort_by_key(|m| m.id);
    Ok(out)
}

/// The gateway took the claimed texts: their secrets go.
pub async fn handed_over(conn: &mut Conn, ids: &[i64]) -> Result<(), sqlx::Error> {
    for id in ids {
        sqlx::query("update sms_outbox set sealed_body = null where sms_id = $1").bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The gateway failed: the claimed texts are queued again for the next run.
pub async fn release(conn: &mut Conn, ids: &[i64]) -> Result<(), sqlx::Error> {
    for id in ids {
        sqlx::query("update sms_outbox set sent_at = null where sms_id = $1").bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Drops the secrets that have expired, sent or not; returns how many.
pub async fn drop_expired(conn: &mut Conn, now: i64) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("update sms_outbox set sealed_body = null where sealed_body is not null and expires_at <= $1")
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}
