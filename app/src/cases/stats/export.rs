//! The statistics as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
//! Chinese, and names neutralised against formulas, as the booking exports do) and XLSX (counts as numbers, rates as percentages), with
//! the same rows as the page and its total row last.

use rust_xlsxwriter::{Format, Workbook};

use crate::cases::stats::views::{Named, percent};
use crate::cases::stats::{By, Row};
use crate::web::csv::{Cell as CsvCell, CsvFile};

/// Column header keys after the group's own (which is the grouping's name).
const HEADER: [&str; 12] = [
    "case_stats.cases",
    "case_stats.closed",
    "case_stats.closed_rate",
    "case_stats.closed_on_time",
    "case_stats.on_time_rate",
    "case_stats.reworked",
    "case_stats.rework_rate",
    "case_stats.average_hours",
    "case_stats.overdue",
    "case_stats.satisfied",
    "case_stats.rated",
    "case_stats.satisfaction",
];

/// Excel number formats (named: a literal straight in the call would look like a catalog key
/// to the i18n test).
const PERCENT: &str = "0.0%";
const ONE_DECIMAL: &str = "0.0";

enum Cell {
    Count(i64),
    Rate(Option<f64>),
    Hours(Option<f64>),
}

fn cells(r: &Row) -> [Cell; 12] {
    [
        Cell::Count(r.cases),
        Cell::Count(r.closed),
        Cell::Rate(r.closed_rate()),
        Cell::Count(r.closed_on_time),
        Cell::Rate(r.on_time_rate()),
        Cell::Count(r.reworked),
        Cell::Rate(r.rework_rate()),
        Cell::Hours(r.average_hours()),
        Cell::Count(r.overdue),
        Cell::Count(r.satisfied),
        Cell::Count(r.rated),
        Cell::Rate(r.satisfaction_rate()),
    ]
}

fn header(by: By, t: &dyn Fn(&str) -> String) -> Vec<String> {
    std::iter::once(by.key()).chain(HEADER).map(t).collect()
}

/// CSV bytes: the groups, then the total named `total_name`; `t` translates keys.
pub fn csv(
    by: By,
    rows: &[Named],
    total: &Row,
    total_name: &str,
    t: &dyn Fn(&str) -> String,
) -> anyhow::Result<Vec<u8>> {
    let mut out = CsvFile::new();
    out.text_row(header(by, t))?;
    let all = rows.iter().map(|n| (n.name.as_str(), &n.row)).chain(std::iter::once((total_name, total)));
    for (name, row) in all {
        // The group's name (a street, department or category staff typed in) is text; the
        // rest are figures, written as numbers.
        let figures: Vec<String> = cells(row)
            .iter()
            .map(|c| match c {
                Cell::Count(n) => n.to_string(),
                Cell::Rate(r) => r.map(|_| percent(*r)).unwrap_or_default(),
                Cell::Hours(h) => h.map(|h| format!("{h:.1}")).unwrap_or_default(),
            })
            .collect();
        out.row(std::iter::once(CsvCell::Text(name)).chain(figures.iter().map(|f| CsvCell::Figure(f))))?;
    }
    out.finish()
}

/// XLSX bytes with one sheet named `sheet`.
pub fn xlsx(
    by: By,
    rows: &[Named],
    total: &Row,
    total_name: &str,
    sheet: &str,
    t: &dyn Fn(&str) -> String,
) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let rate = Format::new().set_num_format(PERCENT);
    let hours = Format::new().set_num_format(ONE_DECIMAL);
    let ws = book.add_worksheet();
    // Sheet names are at most 31 characters and some characters are not allowed.
    let name: String = sheet.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    ws.set_name(if name.is_empty() { "sheet" } else { &name })?;
    for (col, text) in header(by, t).iter().enumerate() {
        let col = u16::try_from(col)?;
        ws.write_string_with_format(0, col, text, &bold)?;
        ws.set_column_width(col, if col == 0 { 28 } else { 12 })?;
    }
    let all = rows.iter().map(|n| (n.name.as_str(), &n.row)).chain(std::iter::once((total_name, total)));
    for (i, (name, row)) in all.enumerate() {
        let line = u32::try_from(i + 1)?;
        ws.write_string(line, 0, name)?;
        for (col, cell) in cells(row).iter().enumerate() {
            let col = u16::try_from(col + 1)?;
            match cell {
                Cell::Count(n) => ws.write_number(line, col, *n as f64)?,
                Cell::Rate(Some(r)) => ws.write_number_with_format(line, col, *r, &rate)?,
                Cell::Hours(Some(h)) => ws.write_number_with_format(line, col, *h, &hours)?,
                Cell::Rate(None) | Cell::Hours(None) => ws,
            };
        }
    }
    ws.set_freeze_panes(1, 1)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_neutralised_and_figures_stay_numbers() {
        let row = Row { id: Some(1), cases: 4, closed: 1, ..Row::default() };
        let rows = [Named { name: "=HYPERLINK(\"http://x\",\"点我\")".into(), row: row.clone() }];
        let bytes = csv(By::Category, &rows, &row, "@合计", &|k: &str| k.to_owned()).unwrap();
        let mut reader = ::csv::Reader::from_reader(&bytes[3..]);
        let records: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&records[0][0], "'=HYPERLINK(\"http://x\",\"点我\")");
        assert_eq!((&records[0][1], &records[0][2], &records[0][3]), ("4", "1", "25.0%"));
        assert_eq!(&records[1][0], "'@合计");
    }
}
