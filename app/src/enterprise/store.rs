//! SQL of enterprise assistance: the items and their checklists, enterprise accounts, the
//! assistance fields of a case (its enterprise, contact and agent), progress on the checklist,
//! and the agents' list.

use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use crate::authz::Area;
use crate::authz::Role;
use crate::cases::calendar::model::TimeLimit;
use crate::cases::workflow::State;
use crate::db::Conn;
use crate::enterprise::model::{self as assist, ChecklistStep, Enterprise, EnterpriseStatus, ItemSeed, Progress};
use crate::ids::{DepartmentId, UserId};

type Result<T> = std::result::Result<T, sqlx::Error>;

/// Seeds the assistance items under their major, with their checklists; they go to
/// `department` first. Returns the number of categories written.
pub async fn seed(conn: &mut Conn, items: &[ItemSeed], department: Option<DepartmentId>, now: i64) -> Result<usize> {
    let insert = "insert into case_categories (code, name, parent_code, kind, department_id, time_limit, \
                  photos_required, public, active, created_at, updated_at) \
                  values ($1, $2, $3, $4, $5, $6, 0, 0, 1, $7, $7) returning category_id";
    sqlx::query_scalar::<_, i64>(insert)
        .bind(assist::MAJOR_CODE)
        .bind(assist::MAJOR_NAME)
        .bind(None::<String>)
        .bind(assist::KIND)
        .bind(None::<i64>)
        .bind(None::<String>)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
    for item in items {
        let id: i64 = sqlx::query_scalar(insert)
            .bind(item.code)
            .bind(item.name)
            .bind(Some(assist::MAJOR_CODE))
            .bind(assist::KIND)
            .bind(department.map(|d| d.0))
            .bind(Some(item.limit.as_code()))
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
        for (i, s) in item.steps.iter().enumerate() {
            sqlx::query(
                "insert into assist_steps (category_id, step_no, title, materials, visits) values ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(s.title)
            .bind(s.materials)
            .bind(s.visits)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(items.len() + 1)
}

/// An assistance item with its checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Item {
    /// The category's id (what a request names).
    pub id: i64,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its English name (null: English pages show `name`).
    pub name_en: Option<String>,
    /// Time limit: `10d` working days.
    pub time_limit: Option<String>,
    /// The department it goes to first.
    #[serde(skip)]
    pub department_id: Option<DepartmentId>,
    /// The checklist, in order (nothing done).
    pub steps: Vec<ChecklistStep>,
}

/// The active assistance items, in code order, with their checklists.
pub async fn items(conn: &mut Conn) -> Result<Vec<Item>> {
    let rows = sqlx::query(
        "select category_id, code, name, name_en, department_id, time_limit from case_categories \
         where kind = $1 and parent_code is not null and active = 1 order by code",
    )
    .bind(assist::KIND)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("category_id")?;
        let limit: Option<String> = r.try_get("time_limit")?;
        out.push(Item {
            id,
            code: r.try_get("code")?,
            name: r.try_get("name")?,
            name_en: r.try_get::<Option<String>, _>("name_en")?.filter(|n| !n.is_empty()),
            time_limit: limit.as_deref().and_then(TimeLimit::parse).map(|l| l.as_code()),
            department_id: r.try_get::<Option<i64>, _>("department_id")?.map(DepartmentId),
            steps: checklist(conn, 0, id).await?,
        });
    }
    Ok(out)
}

/// The checklist of `category`, with what is done on `case` (0: nothing).
pub async fn checklist(conn: &mut Conn, case: i64, category: i64) -> Result<Vec<ChecklistStep>> {
    let rows = sqlx::query(
        "select s.assist_step_id, s.step_no, s.title, s.materials, s.visits, p.done_at, p.note from assist_steps s \
         left join assist_progress p on p.assist_step_id = s.assist_step_id and p.case_id = $1 \
         where s.category_id = $2 order by s.step_no",
    )
    .bind(case)
    .bind(category)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChecklistStep {
                id: r.try_get("assist_step_id")?,
                step_no: r.try_get("step_no")?,
                title: r.try_get("title")?,
                materials: r.try_get("materials")?,
                visits: r.try_get("visits")?,
                done_at: r.try_get("done_at")?,
                note: r.try_get::<Option<String>, _>("note")?.unwrap_or_default(),
            })
        })
        .collect()
}

/// Progress on a checklist as shown: steps done of all, visits spared as recorded at each tick.
pub fn progress_of(steps: &[ChecklistStep], spared: i64) -> Progress {
    Progress {
        done: steps.iter().filter(|s| s.done_at.is_some()).count() as i64,
        total: steps.len() as i64,
        visits_spared: spared,
    }
}

/// The visits spared on a case, summed from its ticked steps.
pub async fn visits_spared(conn: &mut Conn, case: i64) -> Result<i64> {
    sqlx::query_scalar("select cast(coalesce(sum(visits_spared), 0) as bigint) from assist_progress where case_id = $1")
        .bind(case)
        .fetch_one(conn)
        .await
}

/// Records a step as done; false when it already was (nothing written).
pub async fn tick(conn: &mut Conn, case: i64, step: &ChecklistStep, by: UserId, note: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "insert into assist_progress (case_id, assist_step_id, done_at, done_by, note, visits_spared) \
         values ($1, $2, $3, $4, $5, $6) on conflict (case_id, assist_step_id) do nothing",
    )
    .bind(case)
    .bind(step.id)
    .bind(now)
    .bind(by.0)
    .bind(note)
    .bind(step.visits)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

const ENTERPRISE_COLUMNS: &str = "enterprise_id, name, uscc, contact_name, contact_phone_masked, owner_user_id, \
    status, decided_by, decision_note, created_at";

fn enterprise_from(r: &AnyRow) -> Result<Enterprise> {
    let status: String = r.try_get("status")?;
    Ok(Enterprise {
        id: r.try_get("enterprise_id")?,
        name: r.try_get("name")?,
        uscc: r.try_get("uscc")?,
        contact_name: r.try_get("contact_name")?,
        contact_phone_masked: r.try_get("contact_phone_masked")?,
        owner: UserId(r.try_get("owner_user_id")?),
        status: EnterpriseStatus::parse(&status).ok_or_else(|| sqlx::Error::Decode("bad enterprise status".into()))?,
        decided_by: r.try_get::<Option<i64>, _>("decided_by")?.map(UserId),
        decision_note: r.try_get("decision_note")?,
        created_at: r.try_get("created_at")?,
    })
}

async fn enterprises_where(conn: &mut Conn, condition: &str, value: &str) -> Result<Vec<Enterprise>> {
    let sql = format!("select {ENTERPRISE_COLUMNS} from enterprises where {condition}");
    let rows = sqlx::query(&sql).bind(value).fetch_all(conn).await?;
    rows.iter().map(enterprise_from).collect()
}

/// The enterprise account a user applied for, if any.
pub async fn enterprise_of_owner(conn: &mut Conn, owner: UserId) -> Result<Option<Enterprise>> {
    let sql = format!("select {ENTERPRISE_COLUMNS} from enterprises where owner_user_id = $1");
    let row = sqlx::query(&sql).bind(owner.0).fetch_optional(conn).await?;
    row.as_ref().map(enterprise_from).transpose()
}

/// An enterprise by id.
pub async fn enterprise(conn: &mut Conn, id: i64) -> Result<Option<Enterprise>> {
    let sql = format!("select {ENTERPRISE_COLUMNS} from enterprises where enterprise_id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(enterprise_from).transpose()
}

/// The enterprise holding a code.
pub async fn enterprise_by_uscc(conn: &mut Conn, uscc: &str) -> Result<Option<Enterprise>> {
    Ok(enterprises_where(conn, "uscc = $1", uscc).await?.pop())
}

/// Enterprises, pending first then newest, optionally of one status.
pub async fn enterprises(conn: &mut Conn, status: Option<EnterpriseStatus>) -> Result<Vec<Enterprise>> {
    enterprises_where(
        conn,
        "($1 = '' or status = $1) order by case when status = 'pending' then 0 else 1 end, enterprise_id desc limit 500",
        status.map_or("", EnterpriseStatus::as_str),
    )
    .await
}

/// Stored fields of an application: name, code, contact name, sealed and masked phone.
pub struct NewEnterprise<'a> {
    /// Company name.
    pub name: &'a str,
    /// Its code.
    pub uscc: &'a str,
    /// Contact name.
    pub contact_name: &'a str,
    /// Contact phone, sealed.
    pub phone_sealed: &'a str,
    /// Contact phone, masked.
    pub phone_masked: &'a str,
}

/// Drops refused applications of `owner` or of `uscc` (a refused application holds nothing: no
/// case is filed before approval), so that a new one may take their place.
pub async fn drop_refused(conn: &mut Conn, owner: UserId, uscc: &str) -> Result<()> {
    sqlx::query("delete from enterprises where status = 'refused' and (owner_user_id = $1 or uscc = $2)")
        .bind(owner.0)
        .bind(uscc)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores an application (pending); returns its id.
pub async fn insert_enterprise(conn: &mut Conn, e: &NewEnterprise<'_>, owner: UserId, now: i64) -> Result<i64> {
    sqlx::query_scalar(
        "insert into enterprises (name, uscc, contact_name, contact_phone_sealed, contact_phone_masked, \
         owner_user_id, status, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) \
         returning enterprise_id",
    )
    .bind(e.name)
    .bind(e.uscc)
    .bind(e.contact_name)
    .bind(e.phone_sealed)
    .bind(e.phone_masked)
    .bind(owner.0)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Decides a pending application; false when it was no longer pending.
pub async fn decide(
    conn: &mut Conn,
    id: i64,
    status: EnterpriseStatus,
    by: UserId,
    note: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "update enterprises set status = $1, decided_by = $2, decided_at = $3, decision_note = $4, updated_at = $3 \
         where enterprise_id = $5 and status = 'pending'",
    )
    .bind(status.as_str())
    .bind(by.0)
    .bind(now)
    .bind(note)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The enterprise's contact phone, sealed.
pub async fn enterprise_phone_sealed(conn: &mut Conn, id: i64) -> Result<Option<String>> {
    sqlx::query_scalar("select contact_phone_sealed from enterprises where enterprise_id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Who to call about a request: name, sealed phone, masked phone.
pub type CaseContact = (String, String, String);

/// Marks a case as an enterprise's request, with who to call about it.
pub async fn set_request(conn: &mut Conn, case: i64, enterprise: i64, contact: &CaseContact) -> Result<()> {
    sqlx::query("update cases set enterprise_id = $1 where case_id = $2")
        .bind(enterprise)
        .bind(case)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "insert into assist_contacts (case_id, contact_name, contact_phone_sealed, contact_phone_masked) \
         values ($1, $2, $3, $4)",
    )
    .bind(case)
    .bind(&contact.0)
    .bind(&contact.1)
    .bind(&contact.2)
    .execute(conn)
    .await?;
    Ok(())
}

/// The enterprise a case was filed for, and who to call about it.
pub async fn request_of(conn: &mut Conn, case: i64) -> Result<Option<(i64, CaseContact)>> {
    let row = sqlx::query(
        "select c.enterprise_id, k.contact_name, k.contact_phone_sealed, k.contact_phone_masked from cases c \
         left join assist_contacts k on k.case_id = c.case_id where c.case_id = $1",
    )
    .bind(case)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let Some(enterprise) = r.try_get::<Option<i64>, _>("enterprise_id")? else { return Ok(None) };
    let text = |name: &str| -> Result<String> { Ok(r.try_get::<Option<String>, _>(name)?.unwrap_or_default()) };
    Ok(Some((enterprise, (text("contact_name")?, text("contact_phone_sealed")?, text("contact_phone_masked")?))))
}

/// Assigns a case's agent.
pub async fn set_agent(conn: &mut Conn, case: i64, agent: UserId, now: i64) -> Result<()> {
    sqlx::query("update cases set agent_user_id = $1, updated_at = $2 where case_id = $3")
        .bind(agent.0)
        .bind(now)
        .bind(case)
        .execute(conn)
        .await?;
    Ok(())
}

/// The users who hold the handler role in `department` (who may be its agents): id, name.
pub async fn handlers_of(conn: &mut Conn, department: DepartmentId) -> Result<Vec<(UserId, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "select u.user_id, u.display_name from users u join role_grants g on g.user_id = u.user_id \
         where g.role = $1 and g.scope_kind = 'department' and g.scope_id = $2 and u.disabled_at is null \
         order by u.display_name, u.user_id",
    )
    .bind(Role::Handler.as_str())
    .bind(department.0)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id, name)| (UserId(id), name)).collect())
}

/// A user's display name.
pub async fn user_name(conn: &mut Conn, user: UserId) -> Result<Option<String>> {
    sqlx::query_scalar("select display_name from users where user_id = $1").bind(user.0).fetch_optional(conn).await
}

/// Which assistance cases a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Cases within this area (by their department; the whole district: every one).
    pub area: Area,
    /// Cases this user is the agent of.
    pub agent: Option<UserId>,
    /// Only this enterprise's (its own page; then nothing else widens the list).
    pub enterprise: Option<i64>,
    /// Only of this item.
    pub item: Option<i64>,
    /// Only in this state.
    pub state: Option<State>,
    /// Earliest deadline first (else newest first).
    pub by_deadline: bool,
}

/// An assistance case as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = AssistCaseRow)]
pub struct Row {
    /// The case's id.
    pub id: i64,
    /// The item (category) id.
    pub item_id: i64,
    /// The enterprise's name.
    pub enterprise: String,
    /// Where it stands.
    pub state: State,
    /// The agent, if assigned.
    pub agent_user_id: Option<i64>,
    /// The agent's name.
    pub agent_name: Option<String>,
    /// Deadline (Unix seconds), set at dispatch.
    pub deadline_at: Option<i64>,
    /// Escalated (督办).
    pub escalated: bool,
    /// Filed at (Unix seconds).
    pub created_at: i64,
    /// The checklist's progress.
    pub progress: Progress,
}

/// Assistance cases passing `filter`, at most 200.
pub async fn list(conn: &mut Conn, filter: &Filter) -> Result<Vec<Row>> {
    // Ids are integers we hold, spelled into the SQL like `cases::store::list` does; filter values are bound.
    let mut within = Vec::new();
    if let Some(e) = filter.enterprise {
        within.push(format!("c.enterprise_id = {e}"));
    } else {
        within = filter.area.sql("c.");
        if let Some(agent) = filter.agent {
            within.push(format!("c.agent_user_id = {}", agent.0));
        }
    }
    if within.is_empty() {
        return Ok(Vec::new());
    }
    let order =
        if filter.by_deadline { "coalesce(c.deadline_at, 9223372036854775807), c.case_id" } else { "c.case_id desc" };
    let sql = format!(
        "select c.case_id, c.category_id, e.name as enterprise, c.state, c.agent_user_id, u.display_name as agent_name, \
         c.deadline_at, c.escalated, c.created_at, \
         (select count(*) from assist_steps s where s.category_id = c.category_id) as total, \
         (select count(*) from assist_progress p where p.case_id = c.case_id) as done, \
         (select cast(coalesce(sum(p.visits_spared), 0) as bigint) from assist_progress p where p.case_id = c.case_id) as spared \
         from cases c join enterprises e on e.enterprise_id = c.enterprise_id \
         left join users u on u.user_id = c.agent_user_id \
         where ({}) and ($1 = 0 or c.category_id = $1) and ($2 = '' or c.state = $2) order by {order} limit 200",
        within.join(" or ")
    );
    let rows = sqlx::query(&sql)
        .bind(filter.item.unwrap_or(0))
        .bind(filter.state.map_or("", State::as_str))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let state: String = r.try_get("state")?;
            Ok(Row {
                id: r.try_get("case_id")?,
                item_id: r.try_get("category_id")?,
                enterprise: r.try_get("enterprise")?,
                state: State::parse(&state).ok_or_else(|| sqlx::Error::Decode("bad state in cases".into()))?,
                agent_user_id: r.try_get("agent_user_id")?,
                agent_name: r.try_get("agent_name")?,
                deadline_at: r.try_get("deadline_at")?,
                escalated: r.try_get::<i64, _>("escalated")? == 1,
                created_at: r.try_get("created_at")?,
                progress: Progress {
                    done: r.try_get("done")?,
                    total: r.try_get("total")?,
                    visits_spared: r.try_get("spared")?,
                },
            })
        })
        .collect()
}
