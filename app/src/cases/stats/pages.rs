//! The back office's case statistics page (`/manage/case-stats`) and its CSV and XLSX exports:
//! figures per street, department or category over a period, with a total row and a bar chart
//! of 结案率 and 按期结案率. District admins and dispatchers see the district and may pick one
//! street; street admins and dispatchers see their street only; everyone else is refused.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::Area;
use crate::authz::gate::Overseer;
use crate::cases::stats::store::{self as stats_store, figures};
use crate::cases::stats::views::{Named, SelectionForm, StatsPage, name_rows, total};
use crate::cases::stats::{By, Period, Row, street_within};
use crate::clock::local_day;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;
use crate::web::backoffice::{Link, Opt};
use crate::web::extract::Query;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status};

/// Routes of the statistics page and its exports.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/case-stats", get(page))
        .route("/manage/case-stats.csv", get(|State(s), g, Query(q)| export(s, g, q, Sheet::Csv)))
        .route("/manage/case-stats.xlsx", get(|State(s), g, Query(q)| export(s, g, q, Sheet::Xlsx)))
}

/// The selection as the form sends it (all text, shown back as typed when it does not parse).
#[derive(Debug, Default, Deserialize)]
struct Selection {
    #[serde(default)]
    by: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    street: String,
}

/// A selection that parsed, within the viewer's reach.
struct Chosen {
    by: By,
    period: Period,
    street: Option<StreetId>,
}

impl Selection {
    fn parse(&self, reach: &Area, today: NaiveDate) -> AppResult<Result<Chosen, Vec<FieldError>>> {
        let mut errors = Vec::new();
        let by = match self.by.as_str() {
            "" => Some(By::Street),
            other => By::parse(other),
        };
        if by.is_none() {
            errors.push(FieldError { field: "by", key: "form.choice_invalid" });
        }
        let street = match self.street.trim() {
            "" => None,
            s => match s.parse() {
                Ok(id) => Some(StreetId(id)),
                Err(_) => {
                    errors.push(FieldError { field: "street", key: "form.choice_invalid" });
                    None
                }
            },
        };
        let street = street_within(reach, street)?;
        let period =
            Period::parse(Some(self.from.as_str()), Some(self.to.as_str()), today).map_err(|e| errors.extend(e)).ok();
        Ok(match (by, period) {
            (Some(by), Some(period)) if errors.is_empty() => Ok(Chosen { by, period, street }),
            _ => Err(errors),
        })
    }

    /// A link to `path` with this selection's street, `by` and `period`.
    fn link(&self, path: &str, by: &str, period: Period) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("by", by).append_pair("from", &period.from.to_string()).append_pair("to", &period.to.to_string());
        if !self.street.is_empty() {
            q.append_pair("street", &self.street);
        }
        format!("{path}?{}", q.finish())
    }
}

/// The figures of a selection, named and ordered, and what to call its scope.
async fn load(state: &AppState, ctx: &Ctx, chosen: &Chosen) -> AppResult<(Vec<Named>, String)> {
    let now = state.clock.unix();
    let mut conn = state.db.conn().await?;
    let rows = figures(&mut conn, chosen.by, chosen.street, chosen.period, now).await?;
    let structure = state.structure.get(state).await?;
    let streets: Vec<(i64, String)> = structure.blocks.iter().map(|b| (b.street.id.0, b.street.name.clone())).collect();
    let (names, none) = match chosen.by {
        By::Street => (streets.clone(), "case_stats.no_street"),
        By::Department => {
            let departments = crate::org::list_departments(&mut conn, 0, 10_000).await?;
            // Named in the page's language, in the table and the chart alike.
            let name = |d: &crate::org::Department| ctx.name(&d.name, d.name_en.as_deref()).text;
            (departments.iter().map(|d| (d.id.0, name(d))).collect(), "case_stats.no_department")
        }
        By::Category => {
            let categories = stats_store::category_names(&mut conn).await?;
            let named = categories.into_iter().map(|(id, _, name, en)| (id, ctx.name(&name, en.as_deref()).text));
            (named.collect(), "case_stats.no_category")
        }
    };
    let scope = match chosen.street {
        None => ctx.t("case_stats.district").to_owned(),
        Some(s) => streets.iter().find(|(id, _)| *id == s.0).map_or_else(|| format!("#{}", s.0), |(_, n)| n.clone()),
    };
    Ok((name_rows(rows, &names, ctx.t(none)), scope))
}

/// The page: the selection form, the chart and the table (or the form's errors, 422).
async fn page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Overseer>,
    Query(sel): Query<Selection>,
) -> AppResult<Response> {
    let reach = user.principal.reach().oversees();
    let today = local_day(state.clock.unix());
    let chosen = sel.parse(reach, today)?;
    let structure = state.structure.get(&state).await?;
    let by = if sel.by.is_empty() { By::Street.as_str() } else { sel.by.as_str() };
    let shown = chosen.as_ref().map(|c| c.period).unwrap_or(Period::last_30_days(today));
    let typed = |text: &str, default: NaiveDate| if text.is_empty() { default.to_string() } else { text.to_owned() };
    let streets = structure
        .blocks
        .iter()
        .filter(|b| reach.covers(&crate::authz::Location::street(b.street.id)))
        .map(|b| Opt { value: b.street.id.to_string(), label: b.street.name.clone() })
        .collect();
    let form = SelectionForm {
        by,
        from: typed(&sel.from, shown.from),
        to: typed(&sel.to, shown.to),
        street: &sel.street,
        streets,
        whole_district: reach.is_district(),
    };
    let presets = [
        ("case_stats.this_month", Period::this_month(today)),
        ("case_stats.last_30_days", Period::last_30_days(today)),
        ("case_stats.this_year", Period::this_year(today)),
    ]
    .into_iter()
    .map(|(key, p)| Link { label: ctx.t(key).into(), href: sel.link("/manage/case-stats", by, p) })
    .collect();
    let fields = form.fields(&ctx);
    let page = StatsPage::form(ctx, fields, presets);
    let chosen = match chosen {
        Ok(c) => c,
        Err(errors) => return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page.refused(errors)),
    };
    let (rows, scope) = load(&state, &page.ctx, &chosen).await?;
    let exports = [("case_stats.csv", "/manage/case-stats.csv"), ("case_stats.xlsx", "/manage/case-stats.xlsx")]
        .into_iter()
        .map(|(key, path)| Link {
            label: page.ctx.t(key).into(),
            href: sel.link(path, chosen.by.as_str(), chosen.period),
        })
        .collect();
    render(&page.with_figures(chosen.by, chosen.period, scope, rows, exports))
}

/// The rows of an export's selection (a selection that does not parse: 422).
async fn export_rows(
    state: &AppState,
    staff: &Staff<Overseer>,
    sel: &Selection,
) -> AppResult<(Chosen, Vec<Named>, Row, String)> {
    let reach = staff.user.principal.reach().oversees();
    let chosen = sel.parse(reach, local_day(state.clock.unix()))?.map_err(AppError::Invalid)?;
    let (rows, _) = load(state, &staff.ctx, &chosen).await?;
    let sum = total(&rows);
    let name = format!("case-stats-{}-{}-{}", chosen.by.as_str(), chosen.period.from, chosen.period.to);
    let name = match chosen.street {
        Some(s) => format!("{name}-street-{}", s.0),
        None => name,
    };
    Ok((chosen, rows, sum, name))
}

fn download(body: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The files the selection downloads as.
#[derive(Debug, Clone, Copy)]
enum Sheet {
    Csv,
    Xlsx,
}

/// The selection as a file.
async fn export(state: AppState, staff: Staff<Overseer>, sel: Selection, sheet: Sheet) -> AppResult<Response> {
    let (chosen, rows, sum, name) = export_rows(&state, &staff, &sel).await?;
    let ctx = &staff.ctx;
    let t = |k: &str| ctx.t(k).to_owned();
    let total = ctx.t("case_stats.total");
    Ok(match sheet {
        Sheet::Csv => {
            let body = crate::cases::stats::export::csv(chosen.by, &rows, &sum, total, &t)?;
            download(body, "text/csv; charset=utf-8", &format!("{name}.csv"))
        }
        Sheet::Xlsx => {
            let sheet = ctx.t("case_stats.title");
            let body = crate::cases::stats::export::xlsx(chosen.by, &rows, &sum, total, sheet, &t)?;
            let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            download(body, kind, &format!("{name}.xlsx"))
        }
    })
}
