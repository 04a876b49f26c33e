//! The categories a district starts with, as data: city-appearance events from
//! `data/cityops_event_categories.json` (the shared reference file: two-level codes, major 2
//! digits + minor 2 digits, after CJ/T 214-2007), plus what the district needs beyond it.
//!
//! Codes: the file's standard minors keep their numbers (`0101` 私搭乱建); its local entries
//! keep a number when the file gives one (`0199`), else get one from 51 upward in their major
//! (`0151` 道路破损) — numbers the standard tables leave free, so a later standard entry
//! cannot collide. The district's own additions go under 06 扩展事件 (`0601` 占道经营 …).
//! A name that appears twice in the file (道路遗撒 under 01 and 03) is kept once, first.
//!
//! Time limits come from the examples the file cites (source A: a district's 立案结案标准,
//! source B: 济源市's) where they name the category; every other category starts at three
//! working days. They are a starting point: the back office edits them.

use serde::Deserialize;

use crate::cases::calendar::model::TimeLimit;

/// The shared reference file, compiled in.
pub const CITYOPS_JSON: &str = include_str!("../../../../data/cityops_event_categories.json");

/// Where a category comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A standard minor category of the reference file.
    Standard,
    /// A local entry of the reference file.
    Local,
    /// Added by the district.
    District,
}

/// A category to seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySeed {
    /// Two-level code, e.g. `0101`; majors have two digits.
    pub code: String,
    /// Name.
    pub name: String,
    /// The major's code (None for a major).
    pub parent: Option<String>,
    /// Handling time limit (majors: None).
    pub limit: Option<TimeLimit>,
    /// Whether a report needs a photo.
    pub photos_required: bool,
    /// Whether cases of it show on the public board.
    pub public: bool,
    /// Where it comes from.
    pub origin: Origin,
}

#[derive(Deserialize)]
struct File {
    categories: Vec<Major>,
}

#[derive(Deserialize)]
struct Major {
    code: String,
    name: String,
    sub: Vec<(String, String)>,
    #[serde(default)]
    local: Vec<String>,
}

/// What the district adds under 06 扩展事件: the patrol's everyday findings the file lacks.
const DISTRICT_ADDITIONS: [&str; 3] = ["占道经营", "无证掘路", "乱涂写乱刻画"];

/// Limits the reference file's examples give, by category name.
const EXAMPLE_LIMITS: [(&str, TimeLimit); 7] = [
    ("私搭乱建", TimeLimit::Hours(4)),    // A: 停工 4 工作时
    ("暴露垃圾", TimeLimit::Hours(4)),    // A
    ("积存垃圾渣土", TimeLimit::Days(2)), // A: 渣土堆 2 工作日
    ("道路不洁", TimeLimit::Hours(2)),    // A: 道路保洁 2 工作时
    ("水域不洁", TimeLimit::Days(15)),    // B
    ("绿地脏乱", TimeLimit::Hours(4)),    // A: 绿地保洁 4 工作时
    ("道路积水", TimeLimit::Hours(4)),    // A: 路面积水 4 工作时
];

/// Limit for categories the examples do not name.
const DEFAULT_LIMIT: TimeLimit = TimeLimit::Days(3);

/// Categories that show on the public board only as statistics: reports about people, or
/// about events the police handle, are not shown case by case.
const NOT_PUBLIC: [&str; 3] = ["流浪乞讨", "群体性事件", "黑车拉客"];

/// The seed list: majors first, then their minors, in code order within each major.
pub fn city_categories() -> anyhow::Result<Vec<CategorySeed>> {
    parse(CITYOPS_JSON)
}

/// Builds the seed list from a file of the reference format.
pub fn parse(json: &str) -> anyhow::Result<Vec<CategorySeed>> {
    let file: File = serde_json::from_str(json)?;
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    for name in DISTRICT_ADDITIONS {
        names.insert(name.to_owned());
    }
    for major in &file.categories {
        anyhow::ensure!(
            major.code.len() == 2 && major.code.bytes().all(|b| b.is_ascii_digit()),
            "major {}",
            major.code
        );
        out.push(CategorySeed {
            code: major.code.clone(),
            name: major.name.clone(),
            parent: None,
            limit: None,
            photos_required: false,
            public: true,
            origin: Origin::Standard,
        });
        let mut minors: Vec<(String, String, Origin)> = Vec::new();
        for (code, name) in &major.sub {
            if names.insert(name.clone()) {
                minors.push((code.clone(), name.clone(), Origin::Standard));
            }
        }
        let mut next_local = 51;
        for entry in &major.local {
            let (name, number) = split_number(entry);
            // The file's placeholder for 06, and names already placed (first one wins).
            if name == "各城市自定义" || !names.insert(name.clone()) {
                continue;
            }
            let code = match number {
                Some(n) if !minors.iter().any(|(c, ..)| *c == n) => n,
                _ => {
                    let n = format!("{next_local:02}");
                    next_local += 1;
                    n
                }
            };
            minors.push((code, name, Origin::Local));
        }
        if major.code == "06" {
            for (i, name) in DISTRICT_ADDITIONS.iter().enumerate() {
                minors.push((format!("{:02}", i + 1), (*name).to_owned(), Origin::District));
            }
        }
        minors.sort_by(|a, b| a.0.cmp(&b.0));
        for (minor, name, origin) in minors {
            anyhow::ensure!(minor.len() == 2 && minor.bytes().all(|b| b.is_ascii_digit()), "minor {minor} of {name}");
            let limit = EXAMPLE_LIMITS.iter().find(|(n, _)| *n == name).map_or(DEFAULT_LIMIT, |(_, l)| *l);
            out.push(CategorySeed {
                code: format!("{}{minor}", major.code),
                public: !NOT_PUBLIC.contains(&name.as_str()),
                name,
                parent: Some(major.code.clone()),
                limit: Some(limit),
                // A patrol finding or a report of the street's look is checked against its photo.
                photos_required: major.code != "04",
                origin,
            });
        }
    }
    Ok(out)
}

/// "其他市容环境问题(99)" → ("其他市容环境问题", Some("99")); "沿街晾挂(11, 仅一源)" → ("沿街晾挂",
/// Some("11")); "广告招牌破损/临时性标语宣传品损毁(05)" keeps its slash.
fn split_number(entry: &str) -> (String, Option<String>) {
    let Some((name, rest)) = entry.split_once('(') else { return (entry.trim().to_owned(), None) };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let number = (digits.len() == 2).then_some(digits);
    (name.trim().to_owned(), number)
}

/// The major of residents' requests: what a resident needs solved for their home, their
/// compound or their elders, rather than a problem of the street. Code 70 is outside the
/// reference file's 01–06 and clear of the assistance items' 80.
pub const REQUEST_MAJOR: (&str, &str) = ("70", "居民诉求");

/// A residents' request category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestSeed {
    /// Code under [`REQUEST_MAJOR`].
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Handling time limit.
    pub limit: TimeLimit,
    /// Shown case by case on the public board.
    pub public: bool,
    /// The department it goes to first, by name (None: the dispatcher chooses each time).
    pub department: Option<&'static str>,
}

/// The residents' requests a district starts with (the back office edits them). Limits in
/// working days: what leaves a household without heat or water within one, noise within
/// two, a lamp within three, property and meal matters within the common five, parking and
/// home adaptations (survey, quote, works) longer. Requests about one household or one
/// person — meals for an elder, adapting a home, and the unclassified rest — are not shown
/// on the public board: its address would point at them.
pub const REQUESTS: [RequestSeed; 8] = [
    request("7001", "养老助餐", 5, false, Some(CIVIL_AFFAIRS)),
    request("7002", "物业服务", 5, true, Some(HOUSING)),
    request("7003", "噪声扰民", 2, true, Some(ENFORCEMENT)),
    request("7004", "供暖供水", 1, true, Some(HOUSING)),
    request("7005", "停车难", 10, true, None),
    request("7006", "道路照明", 3, true, Some(ENFORCEMENT)),
    request("7007", "适老化改造", 15, false, Some(CIVIL_AFFAIRS)),
    request("7099", "其他诉求", 5, false, None),
];

const fn request(
    code: &'static str,
    name: &'static str,
    days: u32,
    public: bool,
    department: Option<&'static str>,
) -> RequestSeed {
    RequestSeed { code, name, limit: TimeLimit::Days(days), public, department }
}

/// Elders' meals and home adaptations.
pub const CIVIL_AFFAIRS: &str = "区民政局";
/// Property management, heating and water supply.
pub const HOUSING: &str = "区住房和城乡建设局";
/// Noise and street lamps, as with the city's appearance.
const ENFORCEMENT: &str = "区综合行政执法局";

/// The request categories as seeds: the major, then its minors.
pub fn request_categories() -> Vec<CategorySeed> {
    let minor = |c: &RequestSeed| CategorySeed {
        code: c.code.to_owned(),
        name: c.name.to_owned(),
        parent: Some(REQUEST_MAJOR.0.to_owned()),
        limit: Some(c.limit),
        photos_required: false,
        public: c.public,
        origin: Origin::District,
    };
    let mut out = vec![CategorySeed {
        code: REQUEST_MAJOR.0.to_owned(),
        name: REQUEST_MAJOR.1.to_owned(),
        parent: None,
        limit: None,
        photos_required: false,
        public: true,
        origin: Origin::District,
    }];
    out.extend(REQUESTS.iter().map(minor));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(all: &'a [CategorySeed], code: &str) -> &'a CategorySeed {
        all.iter().find(|c| c.code == code).unwrap()
    }

    #[test]
    fn the_reference_file_gives_six_majors_and_their_minors() {
        let all = city_categories().unwrap();
        let majors: Vec<&str> = all.iter().filter(|c| c.parent.is_none()).map(|c| c.name.as_str()).collect();
        assert_eq!(majors, ["市容环境", "宣传广告", "施工管理", "突发事件", "街面秩序", "扩展事件"]);
        assert_eq!(find(&all, "0101").name, "私搭乱建");
        assert_eq!(find(&all, "0101").limit, Some(TimeLimit::Hours(4)));
        assert_eq!(find(&all, "0199").name, "其他市容环境问题");
        assert_eq!(find(&all, "0151").name, "道路破损");
        assert_eq!(find(&all, "0205").name, "广告招牌破损/临时性标语宣传品损毁");
        assert_eq!(find(&all, "0511").name, "沿街晾挂");
        assert_eq!(find(&all, "0512").name, "非法出版物销售");
        assert_eq!(find(&all, "0601").name, "占道经营");
        assert_eq!(find(&all, "0601").origin, Origin::District);
        assert_eq!(find(&all, "0105").limit, Some(TimeLimit::Days(15)));
        assert_eq!(find(&all, "0401").limit, Some(DEFAULT_LIMIT));
        assert!(!find(&all, "0401").photos_required && find(&all, "0501").photos_required);
        assert!(!find(&all, "0502").public, "流浪乞讨 is not shown case by case");
    }

    #[test]
    fn the_residents_common_problems_and_headings_name_seeded_categories() {
        use crate::cases::filing::menu;
        let all = city_categories().unwrap();
        let names: Vec<&str> = menu::COMMON.iter().map(|(code, _)| find(&all, code).name.as_str()).collect();
        assert_eq!(names[..3], ["占道经营", "暴露垃圾", "机动车乱停放"]);
        // Every minor the district starts with has a plain heading.
        for c in all.iter().filter(|c| c.parent.is_some()) {
            assert!(menu::group_of(&c.code).is_some(), "{} {} has no heading", c.code, c.name);
        }
    }

    #[test]
    fn codes_are_unique_two_level_and_names_appear_once() {
        let all = city_categories().unwrap();
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for c in &all {
            assert!(codes.insert(c.code.clone()), "code {} twice", c.code);
            assert!(names.insert(c.name.clone()), "name {} twice", c.name);
            match &c.parent {
                None => assert_eq!(c.code.len(), 2),
                Some(p) => assert!(c.code.len() == 4 && c.code.starts_with(p.as_str()), "{}", c.code),
            }
        }
        // 道路遗撒 and 道路破损 are under 01 (first), not again under 03; 无证掘路 is the district's.
        assert!(all.iter().filter(|c| c.name == "无证掘路").all(|c| c.code == "0602"));
        assert!(all.iter().any(|c| c.name == "施工占道" && c.code.starts_with("03")));
    }

    #[test]
    fn requests_are_their_own_major_and_private_needs_stay_off_the_board() {
        let requests = request_categories();
        let city = city_categories().unwrap();
        assert_eq!(requests[0].code, "70");
        assert!(requests[1..].iter().all(|c| c.parent.as_deref() == Some("70") && c.code.starts_with("70")));
        for c in &requests {
            assert!(!city.iter().any(|x| x.code == c.code || x.name == c.name), "{} clashes", c.name);
        }
        let public = |name: &str| requests.iter().find(|c| c.name == name).unwrap().public;
        assert!(!public("适老化改造") && !public("养老助餐") && public("噪声扰民") && public("道路照明"));
    }

    #[test]
    fn a_malformed_file_is_refused() {
        assert!(parse("{}").is_err());
        assert!(parse(r#"{"categories":[{"code":"1","name":"x","sub":[]}]}"#).is_err());
        assert!(parse(r#"{"categories":[{"code":"01","name":"x","sub":[["1","y"]]}]}"#).is_err());
    }
}
