//! What the map and the card share to write SVG by hand: escaping, how wide a text will be,
//! and wrapping Chinese text into lines.
//!
//! The SVG is written with `format!` rather than a template engine because it is geometry,
//! not markup for people; every text that comes from data (names, the route file's texts)
//! goes through [`esc`], which also drops the control characters XML 1.0 forbids.
//!
//! Widths are estimates: a Chinese character (or a full-width sign) is one em, anything else
//! about 0.56 em — true enough of Noto Sans CJK and of the browsers' sans-serif fonts to keep
//! labels apart and lines inside the card, without measuring with a font on every request.

use std::fmt::Write as _;

/// Escapes text for an SVG attribute or element.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a character is as wide as a Chinese one (CJK, full-width forms and punctuation).
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
        || c == '·'
}

/// The width of one character, in ems.
pub fn em(c: char) -> f64 {
    if is_wide(c) { 1.0 } else { 0.56 }
}

/// The width of a text, in ems.
pub fn ems(text: &str) -> f64 {
    text.chars().map(em).sum()
}

/// Signs a line must not begin with (Chinese line-breaking rules, 避头点): they hang on the
/// line before.
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』”’,.;:?!)%".contains(c)
}

/// Signs a line must not end with (避尾点): they move to the next line.
fn no_line_end(c: char) -> bool {
    "（《「『“‘(".contains(c)
}

/// Whether two characters belong to one unbreakable run (Latin words and numbers).
fn joins(a: char, b: char) -> bool {
    !is_wide(a) && !is_wide(b) && !a.is_whitespace() && !b.is_whitespace()
}

/// Wraps `text` into lines of at most `width` ems, at most `max_lines` of them (the last ends
/// in "…" when text is left over). Chinese breaks between any two characters except before
/// closing and after opening punctuation; a Latin word or a number stays whole unless it is
/// longer than a line.
pub fn wrap(text: &str, width: f64, max_lines: usize) -> Vec<String> {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() && lines.len() < max_lines {
        let (mut end, mut used, mut last_break) = (i, 0.0, None);
        while end < chars.len() && used + em(chars[end]) <= width {
            used += em(chars[end]);
            end += 1;
            let breakable = end < chars.len()
                && !joins(chars[end - 1], chars[end])
                && !no_line_start(chars[end])
                && !no_line_end(chars[end - 1]);
            if breakable {
                last_break = Some(end);
            }
        }
        if end < chars.len() {
            // Break at the last allowed place; with none (a very long word), where the width
            // ran out, and then a closing sign right after stays on this line.
            end = last_break.unwrap_or(end.max(i + 1));
            while end < chars.len() && no_line_start(chars[end]) {
                end += 1;
            }
        }
        let mut line: String = chars[i..end].iter().collect::<String>().trim().to_owned();
        i = end;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if lines.len() + 1 == max_lines && i < chars.len() {
            while !line.is_empty() && ems(&line) + 1.0 > width {
                line.pop();
            }
            line.push('…');
        }
        lines.push(line);
    }
    lines
}

/// `text` cut to `width` ems, with "…" when cut.
pub fn clip(text: &str, width: f64) -> String {
    if ems(text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 1.0;
    for c in text.chars() {
        if used + em(c) > width {
            break;
        }
        used += em(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// A milestone's name for a label: before its first explanation, `湘江（界首）` → `湘江`,
/// `娄山关·二占遵义` → `娄山关`.
pub fn short_name(name: &str) -> &str {
    let cut = name.find(['（', '(', '·']).unwrap_or(name.len());
    if cut == 0 { name } else { &name[..cut] }
}

/// Appends `<text>` lines: one `<tspan>` per line, `line_height` apart, from baseline `y`.
pub fn text_lines(out: &mut String, x: f64, y: f64, line_height: f64, attrs: &str, lines: &[String]) {
    let _ = write!(out, r#"<text x="{x:.0}" y="{y:.0}" {attrs}>"#);
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { line_height };
        let _ = write!(out, r#"<tspan x="{x:.0}" dy="{dy:.0}">{}</tspan>"#, esc(line));
    }
    out.push_str("</text>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup_and_no_forbidden_characters() {
        assert_eq!(esc("<a href=\"x\">&'\u{1}队"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;队");
    }

    #[test]
    fn chinese_wraps_at_the_width_and_keeps_punctuation_off_a_lines_start() {
        let lines = wrap("中共中央、中革军委率中央红军主力约8.6万人从瑞金等地出发，开始长征", 10.0, 9);
        assert!(lines.iter().all(|l| ems(l) <= 11.0), "{lines:?}");
        assert!(lines.iter().all(|l| !l.starts_with(['，', '、', '。'])), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("8.6")), "a number stays whole: {lines:?}");
        assert_eq!(lines.concat(), "中共中央、中革军委率中央红军主力约8.6万人从瑞金等地出发，开始长征");
        assert_eq!(lines[0], "中共中央、中革军委率");
        // The comma would start the second line: the character before it goes down with it.
        assert_eq!(wrap("一二三四五六七八九，十", 9.0, 3), vec!["一二三四五六七八", "九，十"]);
    }

    #[test]
    fn too_much_text_ends_in_an_ellipsis_on_the_last_line() {
        let lines = wrap(&"长征".repeat(40), 10.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…') && ems(&lines[1]) <= 10.0, "{lines:?}");
        assert_eq!(clip("八大湖街道第三社区队", 6.0), "八大湖街道…");
        assert_eq!(clip("团岛", 6.0), "团岛");
    }

    #[test]
    fn a_label_is_the_name_before_its_explanation() {
        assert_eq!(short_name("湘江（界首）"), "湘江");
        assert_eq!(short_name("娄山关·二占遵义"), "娄山关");
        assert_eq!(short_name("遵义"), "遵义");
    }
}
