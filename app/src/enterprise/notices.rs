//! What an applicant hears when their enterprise application is decided: a notice in their
//! inbox, written in the decision's transaction, and a text message (sent by the notification
//! worker), since either outcome changes what the company can do next — like a booking's
//! confirmation or cancellation, which are texted too.
//!
//! Stored as `case.assist_enterprise_<status>`, under the assistance prefix, which
//! [`AssistNotices`] words for the inbox (registered by `enterprise::DOMAIN`): it hands them to
//! `enterprise::service::notice_text`, which asks here, and gives the worker their text message.
//! Unlike the case notices, worded from the case when the inbox is read, these carry the
//! company's name and the reason: a refused application is deleted when the company applies
//! again, and the reason it was refused for must stay in the inbox all the same.

use crate::db::{BoxFuture, Conn};
use crate::enterprise::model::{Enterprise, EnterpriseStatus};
use crate::enterprise::service::NOTICE_PREFIX;
use crate::notify::wording::{Message, Wording};
use crate::web::i18n::{self, Locale};

/// The stored kinds are [`NOTICE_PREFIX`], this, then the status (`approved`, `refused`).
const KIND: &str = "enterprise_";

/// A decided application as its notice remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The application's id.
    pub enterprise_id: i64,
    /// Approved, or else refused.
    pub approved: bool,
    /// The company's name as applied for.
    pub name: String,
    /// The reason given with a refusal; empty with an approval.
    pub reason: String,
}

impl Decision {
    /// The decision on an application; None while it is pending.
    pub fn of(enterprise: &Enterprise) -> Option<Self> {
        let approved = match enterprise.status {
            EnterpriseStatus::Pending => return None,
            EnterpriseStatus::Approved => true,
            EnterpriseStatus::Refused => false,
        };
        let reason = if approved { String::new() } else { enterprise.decision_note.clone() };
        Some(Self { enterprise_id: enterprise.id, approved, name: enterprise.name.clone(), reason })
    }

    fn status(&self) -> EnterpriseStatus {
        if self.approved { EnterpriseStatus::Approved } else { EnterpriseStatus::Refused }
    }

    /// The kind as stored, e.g. `case.assist_enterprise_approved`.
    pub fn kind(&self) -> String {
        format!("{NOTICE_PREFIX}{KIND}{}", self.status().as_str())
    }

    /// The stored parameters.
    pub fn params_json(&self) -> String {
        serde_json::json!({ "enterprise_id": self.enterprise_id, "name": self.name, "reason": self.reason }).to_string()
    }

    /// A stored notice, if it is a decision's.
    pub fn parse(kind: &str, params_json: &str) -> Option<Self> {
        let status = kind.strip_prefix(NOTICE_PREFIX)?.strip_prefix(KIND).and_then(EnterpriseStatus::parse)?;
        let params: serde_json::Value = serde_json::from_str(params_json).ok()?;
        Some(Self {
            enterprise_id: params["enterprise_id"].as_i64()?,
            approved: match status {
                EnterpriseStatus::Pending => return None,
                EnterpriseStatus::Approved => true,
                EnterpriseStatus::Refused => false,
            },
            name: params["name"].as_str()?.to_owned(),
            reason: params["reason"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// The inbox line: where to go next, or the reason in full.
    pub fn inbox_text(&self, locale: Locale) -> String {
        if self.approved {
            i18n::tf(locale, "enterprise.inbox_approved", &[("name", &self.name)])
        } else {
            i18n::tf(locale, "enterprise.inbox_refused", &[("name", &self.name), ("reason", &self.reason)])
        }
    }

    /// The text message. A refusal's reason is free text of any length, so the message points
    /// to the inbox instead of carrying it.
    pub fn sms_message(&self) -> Message {
        let key = if self.approved { "sms.enterprise_approved" } else { "sms.enterprise_refused" };
        Message { key, args: vec![("name", self.name.clone())] }
    }

    /// The text message, in `locale`.
    pub fn sms_text(&self, locale: Locale) -> String {
        self.sms_message().text(locale)
    }
}

/// How assistance words its notices (the kinds under [`NOTICE_PREFIX`]): in the inbox, the
/// decision's from its stored words and the others from the case and its checklist
/// (`service::notice_text`); by text message, only the decision.
pub struct AssistNotices;

impl Wording for AssistNotices {
    fn prefix(&self) -> &'static str {
        NOTICE_PREFIX
    }

    fn inbox_text<'a>(
        &'a self,
        conn: &'a mut Conn,
        kind: &'a str,
        params_json: &'a str,
        locale: Locale,
    ) -> BoxFuture<'a, Result<Option<String>, sqlx::Error>> {
        Box::pin(crate::enterprise::service::notice_text(conn, kind, params_json, locale))
    }

    fn text_message(&self, kind: &str, params_json: &str) -> Option<Message> {
        Decision::parse(kind, params_json).map(|d| d.sms_message())
    }

    /// A decision links to the enterprise's page; an assignment or a step to its case.
    fn link(&self, kind: &str, params_json: &str) -> Option<String> {
        if Decision::parse(kind, params_json).is_some() {
            return Some("/enterprise".to_owned());
        }
        let params: serde_json::Value = serde_json::from_str(params_json).ok()?;
        params["case_id"].as_i64().map(|id| format!("/cases/{id}"))
    }
}

/// Leaves the applicant a notice of the decision on their application, in the caller's
/// transaction; nothing while it is pending.
pub async fn tell(conn: &mut Conn, enterprise: &Enterprise, now: i64) -> Result<(), sqlx::Error> {
    let Some(decision) = Decision::of(enterprise) else { return Ok(()) };
    sqlx::query("insert into notifications (user_id, kind, params_json, created_at) values ($1, $2, $3, $4)")
        .bind(enterprise.owner.0)
        .bind(decision.kind())
        .bind(decision.params_json())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;

    fn enterprise(status: EnterpriseStatus, note: &str) -> Enterprise {
        Enterprise {
            id: 7,
            name: "青岛海味餐饮有限公司".into(),
            uscc: "91370202MA3C12345B".into(),
            contact_name: "李经理".into(),
            contact_phone_masked: "135****0001".into(),
            owner: UserId(3),
            status,
            decided_by: Some(UserId(4)),
            decision_note: note.into(),
            created_at: 0,
        }
    }

    #[test]
    fn decisions_round_trip_through_their_stored_form() {
        for (status, note) in [(EnterpriseStatus::Approved, "欢迎"), (EnterpriseStatus::Refused, "名称与执照不符")]
        {
            let decision = Decision::of(&enterprise(status, note)).unwrap();
            assert_eq!(Decision::parse(&decision.kind(), &decision.params_json()), Some(decision));
        }
        assert_eq!(Decision::of(&enterprise(EnterpriseStatus::Pending, "")), None);
        let approved = Decision::of(&enterprise(EnterpriseStatus::Approved, "欢迎")).unwrap();
        assert_eq!(approved.kind(), "case.assist_enterprise_approved");
        assert_eq!(approved.reason, "", "an approval's note is not a reason");
    }

    #[test]
    fn other_kinds_and_broken_parameters_are_not_decisions() {
        let params = r#"{"enterprise_id": 7, "name": "x", "reason": ""}"#;
        let booking = crate::notify::model::Kind::Confirmed.stored();
        for kind in ["case.assist_step", "case.assist_enterprise_pending", "case.closed", &booking] {
            assert_eq!(Decision::parse(kind, params), None, "{kind}");
        }
        assert_eq!(Decision::parse("case.assist_enterprise_refused", "not json"), None);
        assert_eq!(Decision::parse("case.assist_enterprise_refused", r#"{"name": "x"}"#), None);
    }

    #[test]
    fn the_words_carry_the_name_and_a_refusal_its_reason_in_the_inbox_only() {
        let refused = Decision::of(&enterprise(EnterpriseStatus::Refused, "名称与执照不符")).unwrap();
        for locale in [Locale::ZhCn, Locale::En] {
            assert!(refused.inbox_text(locale).contains("名称与执照不符"));
            assert!(refused.inbox_text(locale).contains("青岛海味餐饮有限公司"));
            assert!(!refused.sms_text(locale).contains("名称与执照不符"));
        }
        let approved = Decision::of(&enterprise(EnterpriseStatus::Approved, "")).unwrap();
        assert!(approved.inbox_text(Locale::En).contains("/enterprise"));
        assert!(approved.inbox_text(Locale::ZhCn).contains("/enterprise"));
    }
}
