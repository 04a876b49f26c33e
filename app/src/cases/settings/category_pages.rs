//! Back office: the case categories, grouped by major, each with its department, handling time
//! limit and flags, and a form to change a minor category. The checks and the audit entry are
//! `service`'s, the same as the API's; district admins only.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::cases::calendar::model::TimeLimit;
use crate::cases::settings::service::{self as settings_service, CategoryEdit, district_admin};
use crate::cases::store::{self, Category};
use crate::error::{AppError, AppResult};
use crate::ids::DepartmentId;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::i18n::LocalName;
use crate::web::{Ctx, render, render_status, see_other};

/// Most departments offered (a district has a few dozen).
const MAX_DEPARTMENTS: i64 = 500;

/// Routes of the category pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/case-categories", get(list))
        .route("/manage/case-categories/{id}", get(edit).post(save))
}

/// A minor category in the list.
pub struct Row {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name, in the page's language.
    pub name: LocalName,
    /// Department name (empty: none).
    pub department: LocalName,
    /// "4 工作时" (empty: none).
    pub limit: String,
    /// Reports need a photo.
    pub photos_required: bool,
    /// On the public board.
    pub public: bool,
    /// LocalName there at its exact place.
    pub precise: bool,
    /// Offered for new cases.
    pub active: bool,
}

/// A major category with its minors.
pub struct Group {
    /// Code.
    pub code: String,
    /// Name, in the page's language.
    pub name: LocalName,
    /// Its minors.
    pub rows: Vec<Row>,
}

/// The categories page.
#[derive(askama::Template)]
#[template(path = "cases/categories.html")]
pub struct CategoriesPage {
    /// Page context.
    pub ctx: Ctx,
    /// Majors in code order.
    pub groups: Vec<Group>,
    /// The category just saved.
    pub saved: Option<i64>,
}

/// The form to change one category.
#[derive(askama::Template)]
#[template(path = "cases/category.html")]
pub struct CategoryPage {
    /// Page context.
    pub ctx: Ctx,
    /// The category as stored.
    pub category: Category,
    /// "市容环境 · 私搭乱建".
    pub title: String,
    /// English name.
    pub name_en: Field,
    /// Department and the limit's unit.
    pub department: Field,
    /// The limit's unit.
    pub unit: Field,
    /// The form as shown.
    pub form: CategoryForm,
    /// Errors of the last attempt.
    pub errors: Errors,
}

/// A category's form as sent (text, so a bad value is shown back as typed).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    /// English name ('' clears it).
    pub name_en: String,
    /// Department id.
    pub department_id: String,
    /// The limit's number.
    pub time_limit: String,
    /// `h` (working hours) or `d` (working days).
    pub time_limit_unit: String,
    /// `1` when ticked.
    pub photos_required: String,
    /// `1` when ticked.
    pub public: String,
    /// `1` when ticked.
    pub precise: String,
    /// `1` when ticked.
    pub active: String,
}

impl CategoryForm {
    fn of(c: &Category) -> Self {
        let (n, unit) = match c.limit {
            Some(TimeLimit::Hours(n)) => (n.to_string(), "h"),
            Some(TimeLimit::Days(n)) => (n.to_string(), "d"),
            None => (String::new(), "h"),
        };
        let tick = |b: bool| if b { "1".to_owned() } else { String::new() };
        Self {
            name_en: c.name_en.clone().unwrap_or_default(),
            department_id: c.department_id.map(|d| d.to_string()).unwrap_or_default(),
            time_limit: n,
            time_limit_unit: unit.into(),
            photos_required: tick(c.photos_required),
            public: tick(c.public),
            precise: tick(c.precise),
            active: tick(c.active),
        }
    }

    /// The whole state of the category as the form says it. Whether a value makes sense is the
    /// service's question, asked once for the API and the page: an empty department becomes
    /// one nobody has, and the limit its text, `4h` or `3d`.
    fn edit(&self) -> CategoryEdit {
        CategoryEdit {
            department_id: Some(self.department_id.trim().parse().unwrap_or(0)),
            time_limit: Some(format!("{}{}", self.time_limit.trim(), self.time_limit_unit.trim())),
            photos_required: Some(!self.photos_required.is_empty()),
            public: Some(!self.public.is_empty()),
            precise: Some(!self.precise.is_empty()),
            active: Some(!self.active.is_empty()),
            name_en: Some(self.name_en.clone()),
        }
    }
}

/// "4 工作时" / "3 工作日".
pub fn limit_text(ctx: &Ctx, limit: Option<TimeLimit>) -> String {
    match limit {
        Some(TimeLimit::Hours(n)) => ctx.tf("case_admin.limit_hours", &[("n", &n.to_string())]),
        Some(TimeLimit::Days(n)) => ctx.tf("case_admin.limit_days", &[("n", &n.to_string())]),
        None => ctx.t("form.none").into(),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    saved: String,
}

/// Every category, retired ones too, grouped by major.
async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    district_admin(ctx.user()?)?;
    let mut conn = state.db.conn().await?;
    let all = store::all_categories(&mut conn).await?;
    let departments = crate::org::list_departments(&mut conn, 0, MAX_DEPARTMENTS).await?;
    drop(conn);
    let department = |id: Option<DepartmentId>| {
        departments
            .iter()
            .find(|d| Some(d.id) == id)
            .map(|d| ctx.name(&d.name, d.name_en.as_deref()))
            .unwrap_or_default()
    };
    let groups = all
        .iter()
        .filter(|m| m.parent_code.is_none())
        .map(|m| Group {
            code: m.code.clone(),
            name: ctx.name(&m.name, m.name_en.as_deref()),
            rows: all
                .iter()
                .filter(|c| c.parent_code.as_ref() == Some(&m.code))
                .map(|c| Row {
                    id: c.id,
                    code: c.code.clone(),
                    name: ctx.name(&c.name, c.name_en.as_deref()),
                    department: department(c.department_id),
                    limit: limit_text(&ctx, c.limit),
                    photos_required: c.photos_required,
                    public: c.public,
                    precise: c.precise,
                    active: c.active,
                })
                .collect(),
        })
        .collect();
    render(&CategoriesPage { ctx, groups, saved: q.saved.parse().ok() })
}

/// The form for a minor category, filled from `form`.
async fn category_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    form: Option<CategoryForm>,
    errors: Errors,
) -> AppResult<CategoryPage> {
    let mut conn = state.db.conn().await?;
    let all = store::all_categories(&mut conn).await?;
    let category = all.iter().find(|c| c.id == id && c.parent_code.is_some()).cloned().ok_or(AppError::NotFound)?;
    let major = all.iter().find(|m| Some(&m.code) == category.parent_code.as_ref());
    let departments = crate::org::list_departments(&mut conn, 0, MAX_DEPARTMENTS).await?;
    drop(conn);
    let form = form.unwrap_or_else(|| CategoryForm::of(&category));
    let mut options = vec![Opt { value: String::new(), label: ctx.t("form.choose").into() }];
    options.extend(
        departments
            .iter()
            .map(|d| Opt { value: d.id.to_string(), label: ctx.name(&d.name, d.name_en.as_deref()).text }),
    );
    let department = Field::select(
        "department_id",
        "case_admin.department",
        form.department_id.clone(),
        vec![OptGroup { label: None, options }],
    )
    .required();
    let units = [("h", "case_admin.unit_hours"), ("d", "case_admin.unit_days")]
        .into_iter()
        .map(|(value, key)| Opt { value: value.into(), label: ctx.t(key).into() })
        .collect();
    let unit = Field::select(
        "time_limit_unit",
        "case_admin.limit_unit",
        form.time_limit_unit.clone(),
        vec![OptGroup { label: None, options: units }],
    );
    let name = |c: &Category| ctx.name(&c.name, c.name_en.as_deref()).text;
    let title = match major {
        Some(m) => format!("{} · {}", name(m), name(&category)),
        None => name(&category),
    };
    // The Chinese name of record stays in the summary above the form, so the English one is
    // written beside it.
    let name_en = Field::text("name_en", "field.name_en", form.name_en.clone()).hint("hint.name_en");
    Ok(CategoryPage { ctx, category, title, name_en, department, unit, form, errors })
}

/// The form to change a category.
async fn edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    district_admin(ctx.user()?)?;
    render(&category_page(&state, ctx, id, None, Errors::none()).await?)
}

/// Saves a category: back to the list, or the form again with what was typed and why not.
async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<CategoryForm>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    match settings_service::edit_category(&state, &user, id, form.edit()).await {
        Ok(_) => Ok(see_other(&format!("/manage/case-categories?saved={id}#cat-{id}"))),
        Err(AppError::Invalid(errors)) => {
            let page = category_page(&state, ctx, id, Some(form), errors.into()).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}
