//! How the report's first screen offers the categories to a resident: the few problems most
//! people report, each with an icon, first; then every category under a plain heading in the
//! resident's words; and a search that takes hanzi, full pinyin or pinyin initials ("zd",
//! "zhandao" → 占道经营).
//!
//! Why data here and not columns: the standard's majors (部件/事件, and the district's additions
//! under 06 扩展事件) are how the command centre files work, not how a resident names a problem;
//! the resident's view is a different grouping of the same codes. Keyed by category code, so a
//! category the back office retires simply drops out of both lists, and a code not listed
//! falls back to its major's own name. The seed's codes are checked against these lists by a
//! test in `cases::settings::catalog`.
//!
//! Pinyin comes from the `pinyin` crate (the pinyin-data tables, first reading of each
//! character), computed once per loaded category list on the server: the search needs no
//! script, and the little script that filters as one types reads the same keys from the page.

use pinyin::ToPinyin;

/// The problems residents report most, in the order shown, with their icon's name
/// (`templates/cases/_icon.html` draws each).
pub const COMMON: [(&str, &str); 10] = [
    ("0601", "stall"), // 占道经营
    ("0102", "trash"), // 暴露垃圾
    ("0505", "car"),   // 机动车乱停放
    ("0506", "bike"),  // 非机动车乱停放
    ("0151", "road"),  // 道路破损
    ("0201", "flyer"), // 非法小广告
    ("0404", "drain"), // 下水道堵塞或破损
    ("0452", "water"), // 道路积水
    ("0301", "works"), // 施工扰民
    ("0507", "boxes"), // 乱堆物堆料
];

/// The resident's headings, in the order shown: (translation key, the majors it takes by
/// default). Single codes are moved by [`MOVED`].
pub const GROUPS: [(&str, &[&str]); 5] = [
    ("report_group.street", &["05"]),
    ("report_group.clean", &["01"]),
    ("report_group.damage", &["04"]),
    ("report_group.ads", &["02"]),
    ("report_group.works", &["03"]),
];

/// Categories whose resident heading is not their major's: (code, heading key).
const MOVED: [(&str, &str); 5] = [
    ("0151", "report_group.damage"), // 道路破损: a broken road, not dirt
    ("0152", "report_group.damage"), // 河堤破损
    ("0601", "report_group.street"), // 占道经营
    ("0602", "report_group.works"),  // 无证掘路
    ("0603", "report_group.ads"),    // 乱涂写乱刻画
];

/// The resident heading of a minor category's code, if it has one (else its major's name).
pub fn group_of(code: &str) -> Option<&'static str> {
    if let Some((_, key)) = MOVED.iter().find(|(c, _)| *c == code) {
        return Some(key);
    }
    let major = code.get(..2)?;
    GROUPS.iter().find(|(_, majors)| majors.contains(&major)).map(|(key, _)| *key)
}

/// The icon of a common problem's code.
pub fn icon_of(code: &str) -> Option<&'static str> {
    COMMON.iter().find(|(c, _)| *c == code).map(|(_, icon)| *icon)
}

/// The name shown to residents: the file's numbered leftovers ("其他…问题(99)") lose their
/// numbers already in the catalogue; the standard's slashes read as "、".
pub fn plain_name(name: &str) -> String {
    name.replace('/', "、")
}

/// What a search compares a name with: the name, its full pinyin and its initials, lowercase
/// and without spaces ("占道经营" → "zhandaojingying", "zdjy").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    /// Full pinyin, characters without a reading kept as they are.
    pub full: String,
    /// First letters.
    pub initials: String,
}

impl Keys {
    /// The keys of a name.
    pub fn of(name: &str) -> Self {
        let mut full = String::new();
        let mut initials = String::new();
        for (ch, py) in name.chars().zip(name.to_pinyin()) {
            match py {
                Some(p) => {
                    full.push_str(p.plain());
                    initials.push_str(p.first_letter());
                }
                None if ch.is_alphanumeric() => {
                    let lower = ch.to_lowercase().to_string();
                    full.push_str(&lower);
                    initials.push_str(&lower);
                }
                None => {}
            }
        }
        Self { full, initials }
    }

    /// Both keys as one attribute value for the page's script ("zhandaojingying zdjy").
    pub fn attr(&self) -> String {
        format!("{} {}", self.full, self.initials)
    }
}

/// A query as typed, ready to compare: trimmed, lowercase, without inner spaces (so "zhan dao"
/// finds 占道 too).
pub fn normalise(query: &str) -> String {
    query.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Whether a category `name` with these `keys` answers the normalised query `q` (an empty
/// query answers everything).
pub fn matches(name: &str, keys: &Keys, q: &str) -> bool {
    q.is_empty() || name.to_lowercase().contains(q) || keys.full.contains(q) || keys.initials.contains(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_keys_take_full_spelling_and_initials() {
        let keys = Keys::of("占道经营");
        assert_eq!(keys, Keys { full: "zhandaojingying".into(), initials: "zdjy".into() });
        assert_eq!(Keys::of("非法小广告").initials, "ffxgg");
        assert_eq!(Keys::of("其他市容环境问题").initials, "qtsrhjwt");
    }

    #[test]
    fn a_search_finds_by_hanzi_initials_or_full_pinyin() {
        let stall = Keys::of("占道经营");
        for q in ["占道", "zd", "zdjy", "zhandao", "ZhanDao", "zhan dao", "jingying", ""] {
            assert!(matches("占道经营", &stall, &normalise(q)), "{q}");
        }
        for q in ["垃圾", "lj", "zhandaox"] {
            assert!(!matches("占道经营", &stall, &normalise(q)), "{q}");
        }
    }

    #[test]
    fn every_category_has_a_plain_heading_and_the_district_additions_move() {
        assert_eq!(group_of("0601"), Some("report_group.street"));
        assert_eq!(group_of("0603"), Some("report_group.ads"));
        assert_eq!(group_of("0151"), Some("report_group.damage"));
        assert_eq!(group_of("0102"), Some("report_group.clean"));
        assert_eq!(group_of("7001"), None, "residents' requests keep their own heading");
        assert_eq!(icon_of("0601"), Some("stall"));
        assert_eq!(plain_name("广告招牌破损/临时性标语宣传品损毁"), "广告招牌破损、临时性标语宣传品损毁");
    }
}
