//! CSV files that are safe to open in a spreadsheet program. Every CSV the site writes goes
//! through [`CsvFile`].
//!
//! Excel, WPS and LibreOffice read a cell that begins with `=`, `+`, `-` or `@` (and, after
//! trimming, a tab or carriage return) as a formula: a resident named `=cmd|' /C calc'!A0`
//! would run a program on the organiser's computer through DDE, `=HYPERLINK(...)` would send
//! data away (CSV injection). So text cells beginning with one of them get a single quote in
//! front, as OWASP recommends. Figures the server computed (counts, rates, hours) are written
//! as they are, so a negative number stays a number — but only when they really are plain
//! numbers; anything else in a figure column is treated as text. Every field is quoted, so a
//! spreadsheet splitting on `;` (as in some locales) cannot start a new cell mid-field.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula. The full-width forms are
/// included because input methods in Chinese and Japanese produce them and some spreadsheet
/// versions convert them when opening a file.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A text cell, neutralised: prefixed with `'` when it begins like a formula.
pub fn text(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) { Cow::Owned(format!("'{value}")) } else { Cow::Borrowed(value) }
}

/// A figure cell: a plain number (an optional sign, digits, an optional fraction, an
/// optional `%`) as it is; anything else as [`text`].
pub fn figure(value: &str) -> Cow<'_, str> {
    if is_plain_number(value) { Cow::Borrowed(value) } else { text(value) }
}

fn is_plain_number(value: &str) -> bool {
    let unsigned = value.strip_prefix(['-', '+']).unwrap_or(value);
    let digits = unsigned.strip_suffix('%').unwrap_or(unsigned);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// A cell of a row: what kind of column it is in.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// Names, places, codes: anything people typed or could have.
    Text(&'a str),
    /// A number the server formatted (count, rate, hours).
    Figure(&'a str),
}

/// A CSV file being written: UTF-8 with a byte-order mark (so spreadsheet programs read the
/// Chinese), every field quoted, every cell neutralised.
#[derive(Debug)]
pub struct CsvFile {
    out: ::csv::Writer<Vec<u8>>,
}

impl Default for CsvFile {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvFile {
    /// An empty file (just the byte-order mark).
    pub fn new() -> Self {
        let out =
            ::csv::WriterBuilder::new().quote_style(::csv::QuoteStyle::Always).from_writer(vec![0xEF, 0xBB, 0xBF]);
        Self { out }
    }

    /// A row of text cells (a header, or a table of names).
    pub fn text_row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> anyhow::Result<()> {
        let cells: Vec<String> = cells.into_iter().map(|c| text(c.as_ref()).into_owned()).collect();
        Ok(self.out.write_record(cells)?)
    }

    /// A row of cells of both kinds.
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = Cell<'a>>) -> anyhow::Result<()> {
        let cells: Vec<Cow<'a, str>> = cells
            .into_iter()
            .map(|c| match c {
                Cell::Text(v) => text(v),
                Cell::Figure(v) => figure(v),
            })
            .collect();
        Ok(self.out.write_record(cells.iter().map(|c| c.as_bytes()))?)
    }

    /// The file's bytes.
    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        self.out.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_start_a_formula_get_a_quote() {
        let cases = [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
            ("+86 138", "'+86 138"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("＝1+1", "'＝1+1"),
            ("王秀英", "王秀英"),
            ("a=b", "a=b"),
            (" =1", " =1"),
            ("'=1", "'=1"),
            ("", ""),
        ];
        for (raw, written) in cases {
            assert_eq!(text(raw), written, "{raw:?}");
        }
    }

    #[test]
    fn figures_stay_numbers_and_nothing_else_passes_as_one() {
        for number in ["0", "12", "-3", "-3.5", "+4", "12.5%", "-0.5%"] {
            assert_eq!(figure(number), number);
        }
        for not_number in ["-", "-.5", "-1.", "-1+1", "-1e5", "=1", "-1%%", "--1"] {
            assert_eq!(figure(not_number), format!("'{not_number}"), "{not_number:?}");
        }
        assert_eq!(figure(""), "");
    }

    #[test]
    fn a_file_has_a_bom_quoted_fields_and_safe_cells() {
        let mut file = CsvFile::new();
        file.text_row(["姓名", "备注"]).unwrap();
        file.row([Cell::Text("=HYPERLINK(\"http://x\")"), Cell::Figure("-2")]).unwrap();
        let bytes = file.finish().unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(text, "\"姓名\",\"备注\"\n\"'=HYPERLINK(\"\"http://x\"\")\",\"-2\"\n");
    }
}
