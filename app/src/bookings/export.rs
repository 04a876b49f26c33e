//! Registrations and attendance as CSV (UTF-8 with a byte-order mark, so spreadsheet
//! programs read the Chinese; cells that would start a formula neutralised) and XLSX (every
//! cell written as a string, which spreadsheets never evaluate).

use rust_xlsxwriter::{Format, Workbook};

use crate::bookings::listing::Line;
use crate::clock::{local_day as local_date, time_range};
use crate::web::csv::CsvFile;

/// Column header keys.
const HEADER: [&str; 8] = [
    "export.date",
    "export.time",
    "export.venue",
    "export.booker",
    "export.phone",
    "export.person",
    "export.code",
    "export.status",
];

fn record(l: &Line, t: &dyn Fn(&str) -> String) -> [String; 8] {
    [
        local_date(l.starts_at).to_string(),
        time_range(l.starts_at, l.ends_at),
        l.venue.clone(),
        l.booker.clone(),
        l.booker_phone.clone(),
        l.person.clone().unwrap_or_default(),
        l.code.clone(),
        t(l.status.label_key()),
    ]
}

/// CSV bytes; `t` translates keys. Every column is text (names people typed among them), so
/// every cell is neutralised against formulas (see `web::csv`).
pub fn csv(lines: &[Line], t: &dyn Fn(&str) -> String) -> anyhow::Result<Vec<u8>> {
    let mut out = CsvFile::new();
    out.text_row(HEADER.iter().map(|k| t(k)))?;
    for l in lines {
        out.text_row(record(l, t))?;
    }
    out.finish()
}

/// XLSX bytes with one sheet named `sheet`.
pub fn xlsx(lines: &[Line], sheet: &str, t: &dyn Fn(&str) -> String) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    // Sheet names are at most 31 characters and some characters are not allowed.
    let name: String = sheet.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    ws.set_name(if name.is_empty() { "sheet" } else { &name })?;
    for (col, key) in HEADER.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(col)?, t(key), &bold)?;
        ws.set_column_width(u16::try_from(col)?, 16)?;
    }
    for (row, l) in lines.iter().enumerate() {
        let row = u32::try_from(row + 1)?;
        for (col, value) in record(l, t).iter().enumerate() {
            ws.write_string(row, u16::try_from(col)?, value)?;
        }
    }
    Ok(book.save_to_buffer()?)
}
