//! Bulk creation of residents from a community register (CSV: phone, name, community code),
//! e.g. to bring a community's existing list onto the platform. All or nothing: every row is
//! checked first; one bad row and nothing is imported. Numbers that already have an account
//! are skipped, so an import can be repeated. Accounts get no password (the person sets one by
//! verifying their phone); optionally each gets an API token.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use crate::accounts::model::{Phone, parse_display_name};
use crate::accounts::service::RESIDENT;
use crate::accounts::store::{self, NewUser};
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::crypto::{random_token, sha256_hex};
use crate::ids::{CommunityId, UserId};

/// One row to import.
#[derive(Debug, Clone)]
pub struct Row {
    /// Line in the file (1-based).
    pub line: usize,
    /// Phone.
    pub phone: Phone,
    /// Name.
    pub name: String,
    /// Community.
    pub community: CommunityId,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    /// Accounts created, with their token when asked for: (phone, user, token).
    pub created: Vec<(String, UserId, Option<String>)>,
    /// Lines skipped because the number already has an account.
    pub skipped: Vec<usize>,
}

/// Reads and checks the CSV. Errors are "line N: reason" lines.
pub fn parse(input: impl Read, communities: &HashMap<String, CommunityId>) -> Result<Vec<Row>, Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(input);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("line {line}: unreadable ({e})"));
                continue;
            }
        };
        let field = |n: usize| record.get(n).unwrap_or_default();
        if line == 1 && field(0).eq_ignore_ascii_case("phone") {
            continue;
        }
        let Some(phone) = Phone::parse(field(0)) else {
            errors.push(format!("line {line}: not a mobile number: {:?}", field(0)));
            continue;
        };
        let Ok(name) = parse_display_name(field(1)) else {
            errors.push(format!("line {line}: the name must be 1–32 characters"));
            continue;
        };
        let Some(community) = communities.get(field(2)) else {
            errors.push(format!("line {line}: no community with code {:?}", field(2)));
            continue;
        };
        if !seen.insert(phone.as_str().to_owned()) {
            errors.push(format!("line {line}: {} appears twice", phone.masked()));
            continue;
        }
        rows.push(Row { line, phone, name, community: *community });
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// Creates the accounts in one transaction.
pub async fn import(state: &AppState, rows: &[Row], with_tokens: bool) -> anyhow::Result<Report> {
    let now = state.clock.unix();
    let mut report = Report::default();
    let mut tx = state.db.begin().await?;
    for row in rows {
        let index = state.keys.phone_index(row.phone.as_str());
        if store::user_id_by_phone(&mut tx, &index).await?.is_some() {
            report.skipped.push(row.line);
            continue;
        }
        let sealed = state.keys.seal(row.phone.as_str());
        let masked = row.phone.masked();
        let new = NewUser {
            phone_index: &index,
            phone_sealed: &sealed,
            phone_masked: &masked,
            display_name: &row.name,
            community_id: Some(row.community),
            password_hash: None,
        };
        let id = store::insert_user(&mut tx, &new, now).await?;
        store::insert_grant(&mut tx, id, RESIDENT, None, now).await?;
        let token = if with_tokens {
            let token = format!("ejia_{}", random_token());
            store::insert_token(&mut tx, id, &sha256_hex(&token), "import", false, now).await?;
            Some(token)
        } else {
            None
        };
        report.created.push((row.phone.as_str().to_owned(), id, token));
    }
    let summary = serde_json::json!({ "created": report.created.len(), "skipped": report.skipped.len() });
    audit::record(&mut tx, now, None, "user.import", Change::new("user", 0, None).after(&summary)).await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_checked_before_anything_is_imported() {
        let communities = HashMap::from([("370202001001".to_owned(), CommunityId(1))]);
        let good = "phone,name,community\n13900000001,张三,370202001001\n139 0000 0002, 李四 ,370202001001\n";
        let rows = parse(good.as_bytes(), &communities).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1].line, rows[1].name.as_str()), (3, "李四"));
        let bad = "13900000001,张三,370202001001\n1234,王五,370202001001\n13900000003,,370202001001\n13900000004,赵六,999\n13900000001,重复,370202001001\n";
        let errors = parse(bad.as_bytes(), &communities).unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("line 2:") && errors[3].starts_with("line 5:"));
    }
}
