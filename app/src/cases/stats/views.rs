//! The statistics page's view: figures with the names of their streets, departments or
//! categories, formatted for the table, a total row, and the geometry of the bar chart (drawn
//! as SVG by the template, so the server sends a finished picture and no script).

use crate::cases::stats::{By, Period, Row};
use crate::error::FieldError;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Link, Opt, OptGroup};
use crate::web::forms::Errors;

/// A group's figures with its name, as the table and the exports show them.
#[derive(Debug, Clone)]
pub struct Named {
    /// Street, department or category name.
    pub name: String,
    /// Figures.
    pub row: Row,
}

/// Puts names on the rows and orders them: `names` lists (id, name) in display order; groups
/// without one (no street, not dispatched) are called `none` and come last.
pub fn name_rows(rows: Vec<Row>, names: &[(i64, String)], none: &str) -> Vec<Named> {
    let mut named: Vec<(usize, Named)> = rows
        .into_iter()
        .map(|row| {
            let found = row.id.and_then(|id| names.iter().position(|(n, _)| *n == id));
            let name = match (found.and_then(|i| names.get(i)), row.id) {
                (Some((_, name)), _) => name.clone(),
                (None, Some(id)) => format!("#{id}"),
                (None, None) => none.to_owned(),
            };
            (found.unwrap_or(usize::MAX), Named { name, row })
        })
        .collect();
    named.sort_by_key(|(position, n)| (*position, n.row.id.is_none(), n.row.id));
    named.into_iter().map(|(_, n)| n).collect()
}

/// All groups added up.
pub fn total(rows: &[Named]) -> Row {
    let mut sum = Row::default();
    for r in rows {
        sum.add(&r.row);
    }
    sum
}

/// `93.5%`, or a dash when there is nothing to divide by.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// One line of the table, formatted.
pub struct Line {
    /// Group name.
    pub name: String,
    /// The figures.
    pub row: Row,
    /// 结案率.
    pub closed_rate: String,
    /// 按期结案率.
    pub on_time_rate: String,
    /// 返工率.
    pub rework_rate: String,
    /// Average handling hours.
    pub hours: String,
    /// 满意率.
    pub satisfaction: String,
}

impl Line {
    /// Formats a group's figures.
    pub fn new(name: String, row: Row) -> Self {
        Self {
            closed_rate: percent(row.closed_rate()),
            on_time_rate: percent(row.on_time_rate()),
            rework_rate: percent(row.rework_rate()),
            hours: row.average_hours().map_or_else(|| "—".to_owned(), |h| format!("{h:.1}")),
            satisfaction: percent(row.satisfaction_rate()),
            name,
            row,
        }
    }
}

/// Groups shown in the chart at most (the busiest); the table has them all.
pub const CHART_GROUPS: usize = 20;
// Drawn at its own size, narrow enough for a phone (the page scrolls it sideways on a
// narrower one); scaled to the page's width instead, its text would shrink on a phone and swell
// on a desktop.
const LABEL_WIDTH: u32 = 100;
const BAR_SPACE: u32 = 170;
const LEGEND: u32 = 34;
const GROUP_HEIGHT: u32 = 40;
/// Characters of a name shown next to its bars (at 12 px, within `LABEL_WIDTH`).
const LABEL_CHARS: usize = 7;

/// One bar: its length for the rate and the rate as text beside it.
pub struct Bar {
    /// Top edge.
    pub y: u32,
    /// Length.
    pub width: u32,
    /// Where the value's text starts.
    pub text_x: u32,
    /// The rate.
    pub text: String,
}

impl Bar {
    fn new(y: u32, rate: Option<f64>) -> Self {
        let width = (rate.unwrap_or(0.0).clamp(0.0, 1.0) * f64::from(BAR_SPACE)).round() as u32;
        Self { y, width, text_x: LABEL_WIDTH + width + 6, text: percent(rate) }
    }
}

/// A group in the chart: its name and two bars, 结案率 and 按期结案率.
pub struct ChartGroup {
    /// Name, shortened to fit.
    pub label: String,
    /// Baseline of the name.
    pub label_y: u32,
    /// 结案率.
    pub closed: Bar,
    /// 按期结案率.
    pub on_time: Bar,
}

/// Horizontal bar chart of 结案率 and 按期结案率 per group.
pub struct Chart {
    /// Height of the drawing (its width is `width`).
    pub height: u32,
    /// Width of the drawing.
    pub width: u32,
    /// Where the bars start.
    pub bars_x: u32,
    /// Groups, busiest first.
    pub groups: Vec<ChartGroup>,
    /// Groups left out of the chart (they are in the table).
    pub left_out: usize,
}

impl Chart {
    /// The chart of the busiest groups; None without groups.
    pub fn new(rows: &[Named]) -> Option<Self> {
        if rows.is_empty() {
            return None;
        }
        let mut busiest: Vec<&Named> = rows.iter().collect();
        busiest.sort_by_key(|n| std::cmp::Reverse(n.row.cases));
        busiest.truncate(CHART_GROUPS);
        let groups: Vec<ChartGroup> = busiest
            .iter()
            .zip(0u32..)
            .map(|(n, i)| {
                let top = LEGEND + i * GROUP_HEIGHT;
                let label = if n.name.chars().count() > LABEL_CHARS {
                    format!("{}…", n.name.chars().take(LABEL_CHARS - 1).collect::<String>())
                } else {
                    n.name.clone()
                };
                ChartGroup {
                    label,
                    label_y: top + 22,
                    closed: Bar::new(top + 4, n.row.closed_rate()),
                    on_time: Bar::new(top + 20, n.row.on_time_rate()),
                }
            })
            .collect();
        let height = LEGEND + GROUP_HEIGHT * u32::try_from(groups.len()).unwrap_or(0) + 8;
        Some(Self {
            height,
            width: LABEL_WIDTH + BAR_SPACE + 50,
            bars_x: LABEL_WIDTH,
            left_out: rows.len() - groups.len(),
            groups,
        })
    }
}

/// The selection form as shown: the values as typed (or the period shown), and the streets the
/// viewer may choose.
pub struct SelectionForm<'a> {
    /// Grouping.
    pub by: &'a str,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Chosen street id, or empty.
    pub street: &'a str,
    /// The streets the viewer may choose, as options.
    pub streets: Vec<Opt>,
    /// The viewer may choose the whole district.
    pub whole_district: bool,
}

impl SelectionForm<'_> {
    /// The form's fields. District staff choose a street or the whole district, staff of
    /// several streets one of theirs; staff of one street have nothing to choose.
    pub fn fields(self, ctx: &Ctx) -> Vec<Field> {
        let one = |options| vec![OptGroup { label: None, options }];
        let groupings =
            By::ALL.iter().map(|b| Opt { value: b.as_str().into(), label: ctx.t(b.key()).into() }).collect();
        let mut fields = vec![
            Field::select("by", "case_stats.by", self.by, one(groupings)),
            Field::text("from", "case_stats.from", self.from).kind("date"),
            Field::text("to", "case_stats.to", self.to).kind("date"),
        ];
        if self.whole_district || self.streets.len() > 1 {
            let mut options = Vec::new();
            if self.whole_district {
                options.push(Opt { value: String::new(), label: ctx.t("case_stats.district").into() });
            }
            options.extend(self.streets);
            fields.push(Field::select("street", "case_stats.street", self.street, one(options)));
        }
        fields
    }
}

/// The statistics page.
#[derive(askama::Template)]
#[template(path = "cases/stats.html")]
pub struct StatsPage {
    /// Page context.
    pub ctx: Ctx,
    /// The selection form's fields.
    pub fields: Vec<Field>,
    /// Problems with the selection.
    pub errors: Errors,
    /// Links to the usual periods.
    pub presets: Vec<Link>,
    /// "全区" or the street's name.
    pub scope: String,
    /// The grouping.
    pub by: By,
    /// The period shown (None when the selection was refused).
    pub period: Option<Period>,
    /// One line per group.
    pub lines: Vec<Line>,
    /// All groups together.
    pub total: Option<Line>,
    /// The chart.
    pub chart: Option<Chart>,
    /// Says how many groups the chart leaves out (empty: none).
    pub chart_note: String,
    /// The same selection as CSV and XLSX.
    pub exports: Vec<Link>,
}

impl StatsPage {
    /// The page with its form and no figures yet.
    pub fn form(ctx: Ctx, fields: Vec<Field>, presets: Vec<Link>) -> Self {
        Self {
            ctx,
            fields,
            errors: Errors::none(),
            presets,
            scope: String::new(),
            by: By::Street,
            period: None,
            lines: Vec::new(),
            total: None,
            chart: None,
            chart_note: String::new(),
            exports: Vec::new(),
        }
    }

    /// The form with the selection's problems.
    pub fn refused(self, errors: Vec<FieldError>) -> Self {
        Self { errors: errors.into(), ..self }
    }

    /// The figures of `rows` (named and ordered) for the period, with a total, the chart and
    /// links to the exports.
    pub fn with_figures(self, by: By, period: Period, scope: String, rows: Vec<Named>, exports: Vec<Link>) -> Self {
        let chart = Chart::new(&rows);
        let chart_note = match chart.as_ref().map(|c| c.left_out) {
            Some(n) if n > 0 => self.ctx.tf("case_stats.chart_left_out", &[("n", n.to_string().as_str())]),
            _ => String::new(),
        };
        let sum = (!rows.is_empty()).then(|| Line::new(self.ctx.t("case_stats.total").into(), total(&rows)));
        let lines = rows.into_iter().map(|n| Line::new(n.name, n.row)).collect();
        Self { by, period: Some(period), scope, lines, total: sum, chart, chart_note, exports, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: Option<i64>, cases: i64, closed: i64, on_time: i64) -> Row {
        Row { id, cases, closed, closed_on_time: on_time, ..Row::default() }
    }

    #[test]
    fn rows_get_their_names_in_display_order_and_the_nameless_come_last() {
        let names = vec![(7, "八大峡街道".to_owned()), (3, "香港中路街道".to_owned())];
        let rows = vec![row(Some(3), 1, 0, 0), row(None, 2, 0, 0), row(Some(9), 1, 0, 0), row(Some(7), 4, 0, 0)];
        let named = name_rows(rows, &names, "未派遣");
        let shown: Vec<&str> = named.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(shown, ["八大峡街道", "香港中路街道", "#9", "未派遣"]);
        assert_eq!(total(&named).cases, 8);
    }

    #[test]
    fn the_chart_draws_rates_as_bar_lengths_for_the_busiest_groups() {
        let rows: Vec<Named> = (0..25)
            .map(|i| Named {
                name: format!("广告招牌破损临时性标语{i}"), row: row(Some(i), i + 1, i + 1, (i + 1) / 2)
            })
            .collect();
        let chart = Chart::new(&rows).unwrap();
        assert_eq!((chart.groups.len(), chart.left_out), (CHART_GROUPS, 5));
        let first = &chart.groups[0];
        assert_eq!(first.label.chars().count(), LABEL_CHARS);
        assert_eq!((first.closed.width, first.closed.text.as_str()), (BAR_SPACE, "100.0%"));
        assert_eq!((first.on_time.width, first.on_time.text.as_str()), (82, "48.0%"), "12 of 25 closed on time");
        assert!(Chart::new(&[]).is_none());
        assert_eq!(percent(None), "—");
    }
}
