//! A phone health app's export of daily steps (`date, steps` rows), read into steps per day —
//! pure, no I/O.
//!
//! Apps and spreadsheets write these files in many small ways, and a resident cannot be asked
//! to fix them: a byte-order mark at the start (Excel's "CSV UTF-8"); `,`, `;` (spreadsheets in
//! many locales) or a tab between the cells, whichever the first line uses most; headers in
//! Chinese or English (`日期`/`date`, `步数`/`steps`, in any case, also inside a longer header
//! such as `步数(步)`), in any column, with other columns beside them — or no header at all
//! (then the first two columns); dates as `2026-11-30`, `2026/11/30` or `2026/1/5`, with a time
//! after them or not; steps with thousands separators or a `.0` a spreadsheet added. A day in
//! several rows (some apps write one row per source or per hour) counts their sum. A row that
//! cannot be read is skipped and said, not a reason to refuse the whole file.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// Most steps a day may count: the check-in API's bound (about 140 km).
pub const MAX_STEPS: i64 = 200_000;

/// Why a row (or a day) was not checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The date or the steps could not be read.
    Unreadable,
    /// No steps that day.
    NoSteps,
    /// More steps than a day can hold.
    TooManySteps,
    /// A day the challenge does not take check-ins for (now, or at all).
    Outside,
    /// An organiser has reviewed that day's walk: it cannot be replaced.
    Reviewed,
}

impl Skip {
    /// Stable code for the API.
    pub fn code(self) -> &'static str {
        match self {
            Skip::Unreadable => "unreadable",
            Skip::NoSteps => "no_steps",
            Skip::TooManySteps => "too_many_steps",
            Skip::Outside => "day_outside",
            Skip::Reviewed => "reviewed",
        }
    }

    /// Translation key of what the person reads.
    pub fn key(self) -> &'static str {
        match self {
            Skip::Unreadable => "challenge.import.skip_unreadable",
            Skip::NoSteps => "challenge.import.skip_no_steps",
            Skip::TooManySteps => "challenge.import.skip_too_many_steps",
            Skip::Outside => "challenge.import.skip_outside",
            Skip::Reviewed => "challenge.import.skip_reviewed",
        }
    }
}

/// A row or day not checked in, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The line in the file (the header is line 1).
    pub row: u64,
    /// Its day, when it could be read.
    pub day: Option<NaiveDate>,
    /// Why.
    pub why: Skip,
}

/// A day's steps and the first line that gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySteps {
    /// The day.
    pub day: NaiveDate,
    /// Its steps, summed over its rows.
    pub steps: i64,
    /// The first line it was on.
    pub row: u64,
}

/// What a file holds: its days with steps (earliest first), and the rows skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepsFile {
    /// Days to check in.
    pub days: Vec<DaySteps>,
    /// Rows and days not to.
    pub skipped: Vec<Skipped>,
}

/// Reads a health app's export. `None` when not one row of it could be read: not such a file.
pub fn read(bytes: &[u8]) -> Option<StepsFile> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    // The last of equals wins: `,` when the line has none of them.
    let delimiter =
        [b'\t', b';', b','].into_iter().max_by_key(|d| first_line.iter().filter(|b| *b == d).count()).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut records = reader.byte_records().filter_map(Result::ok).filter(|r| r.iter().any(|c| !c.is_empty()));
    let first = records.next()?;
    let cell = |r: &csv::ByteRecord, i: usize| String::from_utf8_lossy(r.get(i).unwrap_or_default()).into_owned();
    let header: Vec<String> = (0..first.len()).map(|i| cell(&first, i).to_lowercase()).collect();
    let find = |words: [&str; 2]| header.iter().position(|h| words.iter().any(|w| h.contains(w)));
    // A header names its columns; a file without one is read as `date, steps`.
    let (date_col, steps_col, first_is_data) = match (find(["日期", "date"]), find(["步数", "steps"])) {
        (Some(d), Some(s)) => (d, s, false),
        _ => (0, 1, date(&cell(&first, 0)).is_some()),
    };
    let mut sums: BTreeMap<NaiveDate, DaySteps> = BTreeMap::new();
    let mut file = StepsFile::default();
    let rows = first_is_data.then_some(first).into_iter().chain(records);
    for r in rows {
        let row = r.position().map_or(0, |p| p.line());
        let day = date(&cell(&r, date_col));
        match (day, steps(&cell(&r, steps_col))) {
            (Some(day), Some(n)) => {
                let sum = sums.entry(day).or_insert(DaySteps { day, steps: 0, row });
                sum.steps = sum.steps.saturating_add(n);
            }
            (day, _) => file.skipped.push(Skipped { row, day, why: Skip::Unreadable }),
        }
    }
    if sums.is_empty() {
        return None;
    }
    for d in sums.into_values() {
        match d.steps {
            0 => file.skipped.push(Skipped { row: d.row, day: Some(d.day), why: Skip::NoSteps }),
            n if n > MAX_STEPS => file.skipped.push(Skipped { row: d.row, day: Some(d.day), why: Skip::TooManySteps }),
            _ => file.days.push(d),
        }
    }
    file.skipped.sort_by_key(|s| s.row);
    Some(file)
}

/// A date as apps write it: `2026-11-30`, `2026/11/30`, `2026/1/5`, `2026.11.30`, with a time
/// after a space or a `T`.
fn date(s: &str) -> Option<NaiveDate> {
    let day = s.split([' ', 'T']).next()?.replace(['/', '.'], "-");
    NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()
}

/// A count of steps: digits, perhaps with thousands separators or a `.0` a spreadsheet added.
fn steps(s: &str) -> Option<i64> {
    let digits: String = s.chars().filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{202f}' | '\'')).collect();
    let whole = match digits.split_once('.') {
        Some((whole, fraction)) if fraction.chars().all(|c| c == '0') => whole,
        Some(_) => return None,
        None => digits.as_str(),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn days(f: &StepsFile) -> Vec<(NaiveDate, i64)> {
        f.days.iter().map(|x| (x.day, x.steps)).collect()
    }

    #[test]
    fn headers_separators_dates_and_a_bom_as_apps_write_them() {
        let files: [&[u8]; 6] = [
            b"date,steps\n2026-11-29,8000\n2026-11-30,12000\n",
            "\u{feff}日期;步数\n2026/11/29;8000\n2026/11/30;12000\n".as_bytes(),
            b"Date\tSteps\n2026/11/29\t8000\n2026/11/30\t12,000\n",
            "序号,日期,步数(步),距离(米)\n1,2026-11-29 00:00:00,8000,5600\n2,2026-11-30,\"12,000\",8400\n".as_bytes(),
            b"2026-11-29,8000\n2026-11-30,12000.0\n",
            b"DATE,STEPS\r\n2026-11-29,8000\r\n2026-11-30,12000\r\n\r\n",
        ];
        for bytes in files {
            let f = read(bytes).unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(bytes)));
            assert_eq!(
                days(&f),
                [(d("2026-11-29"), 8000), (d("2026-11-30"), 12000)],
                "{}",
                String::from_utf8_lossy(bytes)
            );
            assert!(f.skipped.is_empty(), "{:?}", f.skipped);
        }
        let f = read(b"date,steps\n2026/1/5,100\n").unwrap();
        assert_eq!(days(&f), [(d("2026-01-05"), 100)]);
    }

    #[test]
    fn unreadable_rows_empty_and_huge_days_are_skipped_with_their_line() {
        let f = read(b"date,steps\n2026-11-28,abc\nyesterday,100\n2026-11-29,0\n2026-11-30,250000\n2026-12-01,5000\n")
            .unwrap();
        assert_eq!(days(&f), [(d("2026-12-01"), 5000)]);
        let skipped: Vec<_> = f.skipped.iter().map(|s| (s.row, s.day, s.why)).collect();
        assert_eq!(
            skipped,
            [
                (2, Some(d("2026-11-28")), Skip::Unreadable),
                (3, None, Skip::Unreadable),
                (4, Some(d("2026-11-29")), Skip::NoSteps),
                (5, Some(d("2026-11-30")), Skip::TooManySteps),
            ]
        );
    }

    #[test]
    fn a_day_in_several_rows_counts_their_sum() {
        let f = read(b"date,steps\n2026-11-30,1000\n2026-11-29,10\n2026-11-30,2500\n").unwrap();
        assert_eq!(days(&f), [(d("2026-11-29"), 10), (d("2026-11-30"), 3500)]);
        assert_eq!(f.days[1].row, 2, "the day's first line");
    }

    #[test]
    fn files_without_one_readable_row_are_no_export() {
        assert_eq!(read(b""), None);
        assert_eq!(read(b"date,steps\n"), None);
        assert_eq!(read(b"<?xml version=\"1.0\"?><gpx></gpx>"), None);
        assert_eq!(read(b"name,phone\nZhang,13700000000\n"), None);
    }
}
