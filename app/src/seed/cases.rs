//! The demo's residents' reports (`cases` in `app/seed/demo.toml`, written for the demo), taken
//! through the case workflow by the demo accounts as real ones are: the resident files, the
//! command centre accepts and dispatches to the category's department, that department's
//! handler reports it handled, the centre checks and closes. So the public board and search
//! show them by the board's own rules, with their timelines.

use std::collections::HashMap;

use anyhow::Context as _;
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::cases::service::{self, Act, NewCase};
use crate::cases::store::KIND_CITY;
use crate::cases::workflow::Action;
use crate::seed::content::Places;

/// One report as the file gives it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CaseData {
    /// A city category's name, e.g. 占道经营.
    category: String,
    community: String,
    address: String,
    /// A landmark whose coordinates place it.
    near: Option<String>,
    pub(super) description: String,
    /// The handler's report, for a case handled.
    handled: Option<String>,
    /// How far it gets: `dispatched` or `closed`.
    until: String,
}

/// Files and moves the demo reports; how many.
pub(super) async fn load(
    state: &AppState,
    writers: &HashMap<&'static str, CurrentUser>,
    places: &Places,
    cases: &[CaseData],
) -> anyhow::Result<usize> {
    let who = |name: &str| writers.get(name).with_context(|| format!("no demo account {name}"));
    let (resident, dispatcher, handler) = (who("resident")?, who("dispatcher")?, who("handler")?);
    let categories = crate::cases::categories(&mut *state.db.conn().await?).await?;
    let fail = |what: &str, e: crate::error::AppError| anyhow::anyhow!("demo case {what}: {e:?}");
    for c in cases {
        let category = categories
            .iter()
            .find(|k| k.kind == KIND_CITY && k.parent_code.is_some() && k.name == c.category)
            .with_context(|| format!("no city category {}", c.category))?;
        let new = NewCase {
            category_id: category.id,
            description: c.description.clone(),
            community_id: Some(places.community(&c.community)?),
            address: c.address.clone(),
            anonymous: false,
            coords: c.near.as_deref().map(|v| places.coords(v)).transpose()?.flatten(),
            patrol_id: None,
        };
        let id = service::file(state, resident, new).await.map_err(|e| fail(&c.address, e))?.id;
        let step = |action, note: &str| Act {
            action,
            department_id: if action == Action::Dispatch { category.department_id } else { None },
            note: note.to_owned(),
            rating: None,
            merge_into: None,
        };
        let mut steps = vec![(dispatcher, Action::Accept, ""), (dispatcher, Action::Dispatch, "")];
        match c.until.as_str() {
            "dispatched" => {}
            "closed" => {
                let report = c.handled.as_deref().context("a closed demo case needs its handler's report")?;
                steps.extend([(handler, Action::ReportHandled, report), (dispatcher, Action::CheckPass, "")]);
            }
            other => anyhow::bail!("demo case until {other}: dispatched or closed"),
        }
        for (user, action, note) in steps {
            service::act(state, user, id, step(action, note)).await.map_err(|e| fail(&c.address, e))?;
        }
    }
    Ok(cases.len())
}
