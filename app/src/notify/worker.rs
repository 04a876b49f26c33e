//! The background jobs: day-before reminders into inboxes, the texts queued in the outbox
//! (registration codes), and text messages for the notices worth one, handed to an SMS gateway.
//!
//! Texts are at-most-once: a notice or a queued text is claimed before it is handed over, so an
//! instance that dies in between loses that text (the inbox still has the notice; a code can be
//! asked for again), and two instances never send the same one. A gateway error gives the batch
//! back for the next run. A queued code is handed over only while it is good, and its sealed
//! text is dropped once handed over or expired (see [`super::outbox`]).

use std::future::Future;
use std::time::Duration;

use crate::app::AppState;
use crate::appointments::model::{local_date, time_range};
use crate::bookings::listing;
use crate::notify::model::{Kind, reservation_of};
use crate::notify::outbox;
use crate::notify::store::{self, Notice, Recipient};
use crate::notify::wording;
use crate::web::i18n::{self, Locale};

/// How many notices one claim takes, and how many claims one run makes at most: a rush of
/// thousands of bookings is texted over a few runs instead of stalling the database.
const BATCH: i64 = 200;
const BATCHES_PER_RUN: usize = 10;

/// A text message ready to go.
#[derive(Debug, Clone)]
pub struct Text {
    /// Sealed phone number (the gateway opens it with the installation's key).
    pub phone_sealed: String,
    /// Masked phone number, for logs.
    pub phone_masked: String,
    /// The message.
    pub body: String,
}

/// Where text messages go. A provider's implementation opens the sealed number and calls
/// its API; this installation has no provider contract, so [`OutboxGateway`] is the one in use.
pub trait SmsGateway: Send + Sync {
    /// Sends a batch; an error means none of it may be assumed sent.
    fn send(&self, state: &AppState, batch: &[Text]) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Whether texts given to this gateway leave the installation. The texts queued in the
    /// outbox are handed only to a gateway that does; for one that does not, the outbox is
    /// where they are read.
    fn hands_over(&self) -> bool {
        true
    }
}

/// The development gateway: messages land in the `sms_outbox` table (`ejia sms outbox`
/// shows them) and the log. The texts queued there (registration codes) stay queued: the
/// outbox is their destination, and a code is readable there, sealed, until it expires.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxGateway;

impl SmsGateway for OutboxGateway {
    async fn send(&self, state: &AppState, batch: &[Text]) -> anyhow::Result<()> {
        let now = state.clock.unix();
        let mut tx = state.db.begin().await?;
        for text in batch {
            outbox::record_sent(&mut tx, &text.phone_sealed, &text.phone_masked, &text.body, now).await?;
            tracing::info!(to = text.phone_masked, "sms recorded in the outbox");
        }
        tx.commit().await?;
        Ok(())
    }

    fn hands_over(&self) -> bool {
        false
    }
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Bookings reminded.
    pub reminded: usize,
    /// Notices looked at for a text.
    pub considered: usize,
    /// Texts handed to the gateway.
    pub texted: usize,
    /// Texts from the outbox (registration codes) handed to the gateway.
    pub queued_sent: usize,
    /// Codes dropped from the outbox because they expired.
    pub codes_dropped: u64,
    /// Staff texted their daily digest (see [`super::digest`]).
    pub digests: usize,
}

/// Runs the jobs once, at the state's clock time.
pub async fn run_once(state: &AppState, gateway: &impl SmsGateway) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    report.reminded = store::remind_due(&mut tx, now, BATCH * BATCHES_PER_RUN as i64).await?;
    tx.commit().await?;
    report.digests = super::digest::send_due(state, now).await?;
    // Codes first: somebody is waiting for each, with a form open.
    if gateway.hands_over() {
        report.queued_sent = send_queued(state, gateway, now).await?;
    }
    report.codes_dropped = outbox::drop_expired(&mut *state.db.conn().await?, now).await?;
    for _ in 0..BATCHES_PER_RUN {
        let claimed = store::claim_for_texts(&mut *state.db.conn().await?, now, BATCH).await?;
        if claimed.is_empty() {
            break;
        }
        report.considered += claimed.len();
        let batch = compose(state, &claimed).await?;
        if let Err(e) = gateway.send(state, &batch).await {
            let ids: Vec<i64> = claimed.iter().map(|n| n.id).collect();
            store::release_texts(&mut *state.db.conn().await?, &ids).await?;
            return Err(e.context("sms gateway"));
        }
        report.texted += batch.len();
        if claimed.len() < BATCH as usize {
            break;
        }
    }
    Ok(report)
}

/// Hands the texts queued in the outbox to the gateway, and drops their secrets once it has
/// them; returns how many went.
async fn send_queued(state: &AppState, gateway: &impl SmsGateway, now: i64) -> anyhow::Result<usize> {
    let mut sent = 0;
    for _ in 0..BATCHES_PER_RUN {
        let claimed = outbox::claim_queued(&mut *state.db.conn().await?, now, BATCH).await?;
        if claimed.is_empty() {
            break;
        }
        let ids: Vec<i64> = claimed.iter().map(|m| m.id).collect();
        let batch: Vec<Text> = claimed
            .iter()
            .map(|m| Text {
                phone_sealed: m.phone_sealed.clone(),
                phone_masked: m.phone_masked.clone(),
                body: m.text(&state.keys),
            })
            .collect();
        if let Err(e) = gateway.send(state, &batch).await {
            outbox::release(&mut *state.db.conn().await?, &ids).await?;
            return Err(e.context("sms gateway"));
        }
        outbox::handed_over(&mut *state.db.conn().await?, &ids).await?;
        sent += claimed.len();
        if claimed.len() < BATCH as usize {
            break;
        }
    }
    Ok(sent)
}

/// The texts for the claimed notices that deserve one: the bookings' (see [`Kind::sms_key`])
/// and those another domain's wording gives a message (an enterprise application's decision).
async fn compose(state: &AppState, notices: &[Notice]) -> anyhow::Result<Vec<Text>> {
    let mut conn = state.db.conn().await?;
    let mut out = Vec::new();
    for n in notices {
        if let Some(words) = wording::of(state, &n.kind) {
            let Some(message) = words.text_message(&n.kind, &n.params_json) else { continue };
            let Some(to) = store::recipient(&mut conn, n.user_id).await? else { continue };
            let body = message.text(locale_of(&to));
            out.push(Text { phone_sealed: to.phone_sealed, phone_masked: to.phone_masked, body });
            continue;
        }
        let Some(key) = Kind::parse(&n.kind).and_then(Kind::sms_key) else { continue };
        let Some(reservation) = reservation_of(&n.params_json) else { continue };
        let Some(line) = listing::one(&mut conn, reservation).await? else { continue };
        let Some(to) = store::recipient(&mut conn, n.user_id).await? else { continue };
        let locale = locale_of(&to);
        let details = describe(&line, locale);
        let args: Vec<(&str, &str)> = details.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let body = i18n::tf(locale, key, &args);
        // A reminder goes to the person who attends, when the booker gave them a verified
        // phone of their own (issue 12); everything else stays with the booker.
        let attendee = match Kind::parse(&n.kind) {
            Some(Kind::Reminder) => crate::people::reminder_phone(&mut conn, reservation).await?,
            _ => None,
        };
        let (phone_sealed, phone_masked) = attendee.unwrap_or((to.phone_sealed, to.phone_masked));
        out.push(Text { phone_sealed, phone_masked, body });
    }
    Ok(out)
}

fn locale_of(to: &Recipient) -> Locale {
    to.locale.as_deref().and_then(Locale::from_tag).unwrap_or_default()
}

/// The placeholders of a notice about a booking.
pub fn describe(line: &listing::Line, locale: Locale) -> [(&'static str, String); 4] {
    let when = format!("{} {}", local_date(line.starts_at), time_range(line.starts_at, line.ends_at));
    let venue = if line.venue.is_empty() { i18n::t(locale, "events.online").to_owned() } else { line.venue.clone() };
    [("title", line.title.clone()), ("when", when), ("venue", venue), ("code", line.code.clone())]
}

/// Runs the jobs every `every` until the process ends; failures are logged and retried.
pub fn spawn(state: AppState, every: Duration) {
    crate::app::run_every(every, move || {
        let state = state.clone();
        async move {
            match run_once(&state, &OutboxGateway).await {
                Ok(r) if r.reminded + r.texted + r.queued_sent + r.digests > 0 => {
                    tracing::info!(
                        reminded = r.reminded,
                        texted = r.texted,
                        codes = r.queued_sent,
                        digests = r.digests,
                        "notifications sent"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "notification jobs failed; retrying next run"),
            }
        }
    });
}
