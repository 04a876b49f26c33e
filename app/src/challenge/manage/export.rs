//! A challenge's totals as CSV (through `web::csv`: a byte-order mark, formulas neutralised) or
//! XLSX (text as strings, figures as numbers): per team (`?by=team`: name, kind, members, km,
//! route km, mean km per member — the same figures as the team board) or per person
//! (`?by=person`: masked name, team, street, community, km, check-ins, held). Only those who run
//! the challenge download either; the per-person file names people, so taking it is audited.

use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse as _, Response};
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::gate::Organising;
use crate::challenge::manage::form::run_challenge;
use crate::challenge::manage::service::record_people_export;
use crate::challenge::manage::store as mstore;
use crate::challenge::model::{km_of, team_mean_m};
use crate::challenge::store::{self, Challenge};
use crate::error::AppResult;
use crate::web::csv::{Cell, CsvFile};
use crate::web::extract::{Path, Query};
use crate::web::guard::Staff;

/// A name as exports show it: the first character and, for names of three or more, the last;
/// a `*` for each one between (王秀英 → 王*英, 李雷 → 李*). Enough for an organiser who knows the
/// people to recognise them, too little for a stranger who finds the file.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// Which file.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    /// `team` (default) or `person`.
    #[serde(default)]
    by: String,
}

/// A table to write: header keys, and rows of cells (text or figure).
struct Table {
    headers: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

enum Value {
    Text(String),
    /// A figure, with its text as written to CSV.
    Number(f64, String),
}

fn number(n: f64) -> Value {
    Value::Number(n, format!("{n}"))
}

const TEAM_HEADERS: [&str; 6] = [
    "challenge_manage.team_name",
    "challenge_manage.team_kind",
    "challenge_manage.members",
    "challenge_manage.total_km",
    "challenge_manage.route_km",
    "challenge.page.per_member",
];

const PERSON_HEADERS: [&str; 7] = [
    "challenge_manage.person",
    "challenge.page.team",
    "challenge_manage.street",
    "challenge_manage.community",
    "challenge_manage.total_km",
    "challenge_manage.checkins",
    "challenge_manage.held",
];

/// The team table, in the board's order (km per member, best first).
async fn teams(state: &AppState, c: &Challenge, ctx: &crate::web::Ctx) -> AppResult<Table> {
    let mut teams = store::teams(&mut *state.db.conn().await?, c.id).await?;
    teams.sort_by(|a, b| {
        team_mean_m(b.counted_m, b.members).cmp(&team_mean_m(a.counted_m, a.members)).then(a.id.cmp(&b.id))
    });
    let rows = teams
        .into_iter()
        .map(|team| {
            let mean = team_mean_m(team.counted_m, team.members);
            vec![
                Value::Text(team.name),
                Value::Text(ctx.t(crate::challenge::manage::teams::kind_key(team.kind)).to_owned()),
                number(team.members as f64),
                number(km_of(team.counted_m)),
                number(km_of(c.rules().route_m(mean))),
                number(km_of(mean)),
            ]
        })
        .collect();
    Ok(Table { headers: &TEAM_HEADERS, rows })
}

/// The person table, the most km first.
async fn people(state: &AppState, c: &Challenge) -> AppResult<Table> {
    let people = mstore::people(&mut *state.db.conn().await?, c.id).await?;
    let rows = people
        .into_iter()
        .map(|p| {
            vec![
                Value::Text(mask_name(&p.name)),
                Value::Text(p.team.unwrap_or_default()),
                Value::Text(p.street.unwrap_or_default()),
                Value::Text(p.community.unwrap_or_default()),
                number(km_of(p.counted_m)),
                number(p.checkins as f64),
                number(p.held as f64),
            ]
        })
        .collect();
    Ok(Table { headers: &PERSON_HEADERS, rows })
}

fn csv(table: &Table, t: &dyn Fn(&str) -> String) -> anyhow::Result<Vec<u8>> {
    let mut out = CsvFile::new();
    out.text_row(table.headers.iter().map(|k| t(k)))?;
    for row in &table.rows {
        out.row(row.iter().map(|v| match v {
            Value::Text(s) => Cell::Text(s),
            Value::Number(_, s) => Cell::Figure(s),
        }))?;
    }
    out.finish()
}

fn xlsx(table: &Table, sheet: &str, t: &dyn Fn(&str) -> String) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    // Sheet names are at most 31 characters and some characters are not allowed.
    let name: String = sheet.chars().filter(|c| !"[]:*?/\\'".contains(*c)).take(31).collect();
    ws.set_name(if name.trim().is_empty() { "sheet" } else { &name })?;
    for (col, key) in table.headers.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(col)?, t(key), &bold)?;
        ws.set_column_width(u16::try_from(col)?, 16)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(i + 1)?;
        for (col, v) in row.iter().enumerate() {
            let col = u16::try_from(col)?;
            match v {
                Value::Text(s) => ws.write_string(r, col, s)?,
                Value::Number(n, _) => ws.write_number(r, col, *n)?,
            };
        }
    }
    Ok(book.save_to_buffer()?)
}

/// `/manage/challenges/{id}/export.csv?by=team|person` and `.xlsx`.
pub async fn download(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
    uri: Uri,
) -> AppResult<Response> {
    let c = run_challenge(&state, &user, id).await?;
    let (table, what) = if q.by == "person" {
        let table = people(&state, &c).await?;
        record_people_export(&state, &user, &c, table.rows.len()).await?;
        (table, "people")
    } else {
        (teams(&state, &c, &ctx).await?, "teams")
    };
    let t = |k: &str| ctx.t(k).to_owned();
    let xlsx_wanted = uri.path().ends_with(".xlsx");
    let (body, content_type, ext) = if xlsx_wanted {
        (xlsx(&table, &c.name, &t)?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    } else {
        (csv(&table, &t)?, "text/csv; charset=utf-8", "csv")
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"challenge-{id}-{what}.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_first_and_last_character() {
        assert_eq!(mask_name("王秀英"), "王*英");
        assert_eq!(mask_name("李雷"), "李*");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_name(" "), "");
    }

    #[test]
    fn figures_stay_numbers_and_names_cannot_start_formulas() {
        let table = Table { headers: &["a", "b"], rows: vec![vec![Value::Text("=1+1".into()), number(12.5)]] };
        let bytes = csv(&table, &|k| k.to_owned()).unwrap();
        assert_eq!(std::str::from_utf8(&bytes[3..]).unwrap(), "\"a\",\"b\"\n\"'=1+1\",\"12.5\"\n");
    }
}
