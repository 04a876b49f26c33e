//! The two-instance run's check that background jobs ran once (`e2e/two_instances.sh`): both
//! instances run the jobs that text booking confirmations; every confirmation is texted exactly
//! once. A confirmation's text carries its booking code, so a text sent twice shows as the
//! same text twice in the development gateway's outbox.

use std::time::{Duration, Instant};

use anyhow::bail;
use sqlx::Connection as _;

/// Waits (up to `timeout`) until the jobs have texted every notice, then checks the texts.
pub async fn texted_once(database_url: &str, timeout: Duration) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let started = Instant::now();
    // A notice is claimed in one transaction and its text recorded in the next: wait until
    // every notice is claimed and as many texts are recorded (or more: sent twice).
    let (confirmed, texts) = loop {
        let waiting: i64 =
            sqlx::query_scalar("select count(*) from notifications where sms_at is null").fetch_one(&mut db).await?;
        let confirmed: i64 = sqlx::query_scalar("select count(*) from notifications where kind = 'booking.confirmed'")
            .fetch_one(&mut db)
            .await?;
        let texts: i64 = sqlx::query_scalar("select count(*) from sms_outbox where body like '%预约成功%'")
            .fetch_one(&mut db)
            .await?;
        if (waiting == 0 && texts >= confirmed) || started.elapsed() > timeout {
            break (confirmed, texts);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let twice: i64 = sqlx::query_scalar(
        "select count(*) from (select body from sms_outbox group by phone_masked, body having count(*) > 1) d",
    )
    .fetch_one(&mut db)
    .await?;
    println!(
        "jobs: {confirmed} booking confirmations, {texts} confirmation texts, {twice} texts sent more than once \
         (taken in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    if twice > 0 || texts != confirmed {
        bail!("the jobs did not text every confirmation exactly once");
    }
    Ok(())
}
