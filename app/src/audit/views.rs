//! The audit page's view: the filter form's fields and the entries as sentences.

use crate::app::Domain;
use crate::audit::{Entry, wording};
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::forms::Errors;

/// The filter as typed (kept as typed, so a page sent back with an error shows it again).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Typed {
    /// Who: part of a name.
    #[serde(default)]
    pub actor: String,
    /// What: an action name.
    #[serde(default)]
    pub action: String,
    /// From (YYYY-MM-DD).
    #[serde(default)]
    pub from: String,
    /// To (YYYY-MM-DD, inclusive).
    #[serde(default)]
    pub to: String,
    /// Object kind.
    #[serde(default)]
    pub kind: String,
    /// Object id.
    #[serde(default)]
    pub object_id: String,
    /// Street (district admins).
    #[serde(default)]
    pub street_id: String,
    /// Keyset cursor.
    pub before: Option<i64>,
}

impl Typed {
    /// The query string of this filter (without the cursor), for the "more" link.
    pub fn query(&self) -> String {
        let pairs = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("object_id", &self.object_id),
            ("street_id", &self.street_id),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("&{k}={}", form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()))
            .collect()
    }

    /// The form's fields, each with what was typed; actions and kinds as their readable names.
    pub fn fields(&self, ctx: &Ctx, domains: &[Domain]) -> Vec<Field> {
        let any = |key: &str| Opt { value: String::new(), label: ctx.t(key).into() };
        let mut actions = vec![any("audit.any_action")];
        let mut worded: Vec<Opt> = wording::actions(domains)
            .into_iter()
            .map(|(name, key)| Opt { value: name.into(), label: ctx.t(key).into() })
            .collect();
        worded.sort_by(|a, b| a.label.cmp(&b.label));
        actions.extend(worded);
        let mut kinds = vec![any("audit.any_object")];
        kinds.extend(
            wording::objects(domains)
                .into_iter()
                .map(|(name, key)| Opt { value: name.into(), label: ctx.t(key).into() }),
        );
        let one = |options| vec![OptGroup { label: None, options }];
        vec![
            Field::text("actor", "audit.who", self.actor.clone()).hint("audit.who_hint"),
            Field::select("action", "audit.what", self.action.clone(), one(actions)),
            Field::text("from", "audit.from", self.from.clone()).kind("date"),
            Field::text("to", "audit.to", self.to.clone()).kind("date"),
            Field::select("kind", "audit.object_kind", self.kind.clone(), one(kinds)),
            Field::text("object_id", "audit.object_id", self.object_id.clone()).inputmode("numeric"),
        ]
    }
}

/// One entry, ready to show.
pub struct Row {
    /// Local time.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What they did, a sentence without its subject (translated).
    pub action: String,
    /// Which object, e.g. "Venue #3".
    pub object: String,
    /// Its page, when it has one.
    pub href: Option<String>,
    /// Changed fields: (label, before, after).
    pub changes: Vec<(String, String, String)>,
}

impl Row {
    /// The entry in words; `actor` is who made it, already named.
    pub fn new(ctx: &Ctx, domains: &[Domain], e: &Entry, actor: String) -> Self {
        let changes = super::diff(e.before.as_deref(), e.after.as_deref())
            .into_iter()
            .map(|(field, before, after)| (ctx.t(wording::field(domains, &field)).to_owned(), before, after))
            .collect();
        Row {
            at: ctx.when(e.at),
            actor,
            action: ctx.t(wording::action(domains, &e.action)).to_owned(),
            object: format!("{} #{}", ctx.t(wording::object(domains, &e.object_kind)), e.object_id),
            href: wording::link(domains, &e.object_kind, e.object_id),
            changes,
        }
    }
}

/// The page.
#[derive(askama::Template)]
#[template(path = "audit/log.html")]
pub struct AuditPage {
    /// Page context.
    pub ctx: Ctx,
    /// The filter's fields.
    pub fields: Vec<Field>,
    /// Problems with the filter.
    pub errors: Errors,
    /// Entries.
    pub rows: Vec<Row>,
    /// The next page.
    pub more: Option<String>,
}
