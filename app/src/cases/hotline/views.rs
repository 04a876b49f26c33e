//! The hotline page's view: the intake form with what was typed and its errors, the categories
//! a call may be about, the communities the call-taker covers, and — after a filing — the case
//! it became with its possible duplicates. And the caller's rows on the case page (a panel the
//! hotline adds to the case core, see `cases::addons`).

use crate::app::AppState;
use crate::authz::Location;
use crate::cases::addons::{Panel, PanelPage, Slot};
use crate::cases::hotline::service::{CALL_KINDS, CallForm};
use crate::cases::hotline::store::Caller;
use crate::cases::model::Case;
use crate::cases::reveal::Answer;
use crate::cases::store;
use crate::error::AppResult;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::forms::Errors;

/// A case just filed from a call.
#[derive(Debug, Clone)]
pub struct Filed {
    /// Its number.
    pub id: i64,
    /// The caller's number is a registered account, now the case's reporter.
    pub reporter_matched: bool,
    /// Open cases nearby it may duplicate: (id, metres).
    pub duplicates: Vec<(i64, u32)>,
    /// The viewer may merge it into one of them.
    pub can_merge: bool,
}

/// The hotline page.
#[derive(askama::Template)]
#[template(path = "cases/hotline.html")]
pub struct HotlinePage {
    /// Page context.
    pub ctx: Ctx,
    /// The call as typed.
    pub form: CallForm,
    /// Errors of the last attempt.
    pub errors: Errors,
    /// Caller fields.
    pub caller: Vec<Field>,
    /// Category, community, address and coordinates.
    pub place: Vec<Field>,
    /// Coordinates (optional).
    pub coords: Vec<Field>,
    /// The case just filed.
    pub filed: Option<Filed>,
}

impl HotlinePage {
    /// The page for the viewer in `ctx` (a call-taker).
    pub async fn load(
        state: &AppState,
        ctx: Ctx,
        form: CallForm,
        errors: Errors,
        filed: Option<Filed>,
    ) -> AppResult<Self> {
        let categories = store::categories(&mut *state.db.conn().await?).await?;
        let structure = state.structure.get(state).await?;
        let principal = &ctx.user()?.principal;
        let mut category_groups = vec![OptGroup {
            label: None,
            options: vec![Opt { value: String::new(), label: ctx.t("form.choose").into() }],
        }];
        category_groups.extend(
            categories
                .iter()
                .filter(|m| m.parent_code.is_none() && CALL_KINDS.contains(&m.kind.as_str()))
                .map(|m| OptGroup {
                    label: Some(ctx.name(&m.name, m.name_en.as_deref()).text),
                    options: categories
                        .iter()
                        .filter(|c| c.parent_code.as_ref() == Some(&m.code))
                        .map(|c| Opt { value: c.id.to_string(), label: ctx.name(&c.name, c.name_en.as_deref()).text })
                        .collect(),
                })
                .filter(|g| !g.options.is_empty()),
        );
        // District-wide call-takers may leave the community open; a street's only choose theirs.
        let reach = principal.reach().oversees();
        let communities = crate::cases::views::community_groups(&ctx, &structure, reach.is_district(), |street| {
            reach.covers(&Location::street(street))
        });
        let caller = vec![
            Field::text("caller_name", "hotline.caller_name", form.caller_name.clone()).required(),
            Field::text("caller_phone", "hotline.caller_phone", form.caller_phone.clone())
                .kind("tel")
                .inputmode("tel")
                .hint("hotline.caller_phone_hint")
                .required(),
        ];
        let place = vec![
            Field::select("category_id", "report_page.category", form.category_id.clone(), category_groups).required(),
            Field::select("community_id", "field.community", form.community_id.clone(), communities)
                .hint("report_page.community_hint"),
            Field::text("address", "report_page.address", form.address.clone()).hint("report_page.address_hint"),
        ];
        let coords = vec![
            Field::text("lat", "field.lat", form.lat.clone()).inputmode("decimal"),
            Field::text("lng", "field.lng", form.lng.clone()).inputmode("decimal"),
        ];
        Ok(Self { ctx, form, errors, caller, place, coords, filed })
    }
}

/// The caller on the case page: staff only, the number masked, with the button that reveals
/// it to those who call back.
#[derive(Debug, Clone)]
pub struct CallerPanel {
    /// The caller.
    pub caller: Caller,
    /// Whether the viewer may reveal the whole number (see `store::CALLER`).
    pub can_reveal: bool,
}

/// The caller's rows of the case's summary.
#[derive(askama::Template)]
#[template(path = "cases/_caller.html")]
struct CallerRows<'a> {
    ctx: &'a Ctx,
    case: &'a Case,
    c: &'a Caller,
    can_reveal: bool,
    reveal: Answer<'a>,
}

impl Panel for CallerPanel {
    fn slot(&self) -> Slot {
        Slot::Summary
    }

    fn render(&self, page: &PanelPage<'_>) -> askama::Result<String> {
        let rows = CallerRows {
            ctx: page.ctx,
            case: page.case,
            c: &self.caller,
            can_reveal: self.can_reveal,
            reveal: page.reveal,
        };
        askama::Template::render(&rows)
    }
}
