//! Unified social credit codes (统一社会信用代码, GB 32100-2015): the 18-character identifier under
//! which every enterprise and other organisation is registered. Enterprises give it when they ask
//! for approval assistance (帮办代办). Parsing it once, at the edge, catches a mistyped code on the
//! form, while the applicant can still fix it, rather than later, when a department looks the
//! enterprise up and finds nothing.
//!
//! Layout: position 1 registration authority, 2 organisation type, 3–8 administrative division
//! (GB/T 2260), 9–17 organisation code (GB 11714), 18 check character (MOD 31).
//! The organisation code's own GB 11714 check digit is not verified: the MOD 31 check already
//! catches any single typo there, and a second rule could only add ways to refuse a real code.

/// The 31 characters a code may use, in value order. I, O, S, V and Z are left out because they
/// are easily confused with 1, 0, 5, U and 2.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weight of position i (0-based) in the check sum: 3^i mod 31.
const WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Registration authority (登记管理部门代码) and the organisation types (机构类别代码) it may
/// issue. Source: GB 32100-2015 table 1 as amended (authorities 2, 3, 4, 6, 7, 8, A and N were
/// added after 2015). Entries marked "later" come from later official notices as reproduced in
/// third-party validators; we could not check them against an official text. We accept them
/// anyway: refusing a real code hurts more than accepting an unusual one, and the check
/// character still catches typos.
const KINDS: &[(u8, &[u8])] = &[
    // 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    (b'1', b"1239"),
    // 外交: 外国常驻新闻机构, 其他
    (b'2', b"19"),
    // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, (later) 商事调解组织, 其他
    (b'3', b"1234569"),
    // 文化: 外国在华文化中心, 其他
    (b'4', b"19"),
    // 民政: 社会团体, 民办非企业单位, 基金会, (later) 村民委员会, 居民委员会, 其他
    (b'5', b"123459"),
    // 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地（大陆）代表机构, 其他
    (b'6', b"129"),
    // 宗教: 宗教活动场所, 宗教院校, 其他
    (b'7', b"129"),
    // 工会: 基层工会, (later) 非法人工会组织, 其他
    (b'8', b"129"),
    // 工商 / 市场监管: 企业, 个体工商户, 农民专业合作社, (later) 其他
    (b'9', b"1239"),
    // 中央军委改革和编制办公室: 军队事业单位, 其他
    (b'A', b"19"),
    // (later) 公安: 境外非政府组织代表机构, 其他
    (b'G', b"19"),
    // (later) 住房城乡建设: 业主大会, 其他
    (b'J', b"19"),
    // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    (b'N', b"1239"),
    // (later) 侨联: 区县级, 乡镇级, 村级侨联组织, 其他
    (b'Q', b"1239"),
    // 其他
    (b'Y', b"1"),
];

/// A valid unified social credit code, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditCodeError {
    /// Not 18 characters (spaces not counted).
    Length,
    /// A character outside the code's alphabet (digits and capital letters except I, O, S, V, Z).
    Character,
    /// Position 1 is not a known registration authority.
    Authority,
    /// Position 2 is not an organisation type that authority issues.
    Kind,
    /// Positions 3–8 are not a 6-digit administrative division code.
    Division,
    /// The check character (position 18) does not match the rest: most likely a typo.
    Check,
}

impl CreditCodeError {
    /// Translation key of the explanation.
    pub fn key(self) -> &'static str {
        match self {
            CreditCodeError::Length => "uscc.length",
            CreditCodeError::Character => "uscc.character",
            CreditCodeError::Authority => "uscc.authority",
            CreditCodeError::Kind => "uscc.kind",
            CreditCodeError::Division => "uscc.division",
            CreditCodeError::Check => "uscc.check",
        }
    }
}

/// The numeric value of a character of the alphabet.
fn value(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c)
}

/// The check character for the first 17 characters (GB 32100: 31 - (Σ value·weight mod 31), with
/// 31 written as 0), or `None` if one of them is outside the alphabet.
fn check_char(first17: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (&c, weight) in first17.iter().zip(WEIGHTS) {
        sum += value(c)? * weight;
    }
    // The `% 31` turns 31 into 0; the index is then always below 31.
    ALPHABET.get((31 - sum % 31) % 31).copied()
}

impl CreditCode {
    /// Parses user input: surrounding and inner whitespace is dropped (codes are often copied from
    /// licences printed in groups) and lower case is accepted. Checks come in reading order, so the
    /// first problem found is the one reported.
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let code = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        // Counted in characters, so that a full-width or Chinese character is reported as a wrong
        // character rather than as a wrong length.
        if code.chars().count() != 18 {
            return Err(CreditCodeError::Length);
        }
        let b = code.as_bytes();
        if b.len() != 18 || !b.iter().all(|c| ALPHABET.contains(c)) {
            return Err(CreditCodeError::Character);
        }
        let kinds = KINDS.iter().find(|(authority, _)| *authority == b[0]).ok_or(CreditCodeError::Authority)?.1;
        if !kinds.contains(&b[1]) {
            return Err(CreditCodeError::Kind);
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Division);
        }
        if check_char(&b[..17]) != Some(b[17]) {
            return Err(CreditCodeError::Check);
        }
        Ok(CreditCode(code))
    }

    /// The 18 characters, upper-case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 9-character organisation code inside it (positions 9–17).
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }

    /// Shown form for others, `9137**********1234`: the first 4 (authority, type, province) and
    /// the last 4, like `IdNumber::masked`, enough to tell codes apart without giving one away.
    pub fn masked(&self) -> String {
        format!("{}**********{}", &self.0[..4], &self.0[14..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Completes 17 characters with their check character.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17.as_bytes()).unwrap() as char)
    }

    // Checked by hand, independently of `check_char` (values: 0–9 as is, A=10 B=11 C=12 … M=21):
    // 91370202MA3C12345: 9·1 + 1·3 + 3·9 + 7·27 + 0·19 + 2·26 + 0·16 + 2·17 + 21·20 + 10·29 + 3·25
    //   + 12·13 + 1·8 + 2·24 + 3·10 + 4·30 + 5·28 = 1601 = 31·51 + 20; 31 - 20 = 11 → 'B'.
    // 12370200MB1234567: 1·1 + 2·3 + 3·9 + 7·27 + 0 + 2·26 + 0 + 0 + 21·20 + 11·29 + 1·25 + 2·13
    //   + 3·8 + 4·24 + 5·10 + 6·30 + 7·28 = 1611 = 31·51 + 30; 31 - 30 = 1 → '1'.
    // 91370202MA3C1234N: as the first up to 1·8 + 2·24 + 3·10 + 4·30, then N=22, 22·28 = 616:
    //   2077 = 31·67, remainder 0, 31 → '0'.
    const BY_HAND: [&str; 3] = ["91370202MA3C12345B", "12370200MB12345671", "91370202MA3C1234N0"];

    /// Published codes of real organisations (the first is the sample most often quoted for the
    /// standard; 914403001922038216 is Huawei Technologies Co., Ltd.).
    const PUBLISHED: [&str; 5] =
        ["91350100M000100Y43", "914403001922038216", "91330100716105852F", "91440300708461136T", "91110000802100433B"];

    #[test]
    fn valid_codes_are_accepted() {
        for code in BY_HAND.iter().chain(&PUBLISHED) {
            assert_eq!(CreditCode::parse(code).unwrap().as_str(), *code);
            assert_eq!(with_check(&code[..17]), *code);
        }
        for first17 in ["11100000000013127", "54370202MA3C12345", "93370202MA3C12345", "Y1370202MA3C12345"] {
            assert!(CreditCode::parse(&with_check(first17)).is_ok(), "{first17}");
        }
    }

    #[test]
    fn input_is_normalised() {
        let code = CreditCode::parse("  9137 0202 ma3c 1234 5b \t").unwrap();
        assert_eq!(code.as_str(), "91370202MA3C12345B");
        assert_eq!(CreditCode::parse("91350100m000100y43").unwrap().as_str(), "91350100M000100Y43");
    }

    #[test]
    fn each_error_is_reported() {
        use CreditCodeError::*;
        let cases = [
            ("", Length),
            ("91370202MA3C12345", Length),
            ("91370202MA3C12345B0", Length),
            ("91370202MA3C1234IB", Character),
            ("91370202MA3C1234-B", Character),
            ("91370202MA3C1234中B", Character),
            (&*with_check("B1370202MA3C12345"), Authority),
            (&*with_check("94370202MA3C12345"), Kind),
            (&*with_check("Y2370202MA3C12345"), Kind),
            (&*with_check("9137A202MA3C12345"), Division),
            ("91370202MA3C12345C", Check),
        ];
        for (input, error) in cases {
            assert_eq!(CreditCode::parse(input), Err(error), "{input}");
        }
        let keys = [Length, Character, Authority, Kind, Division, Check].map(CreditCodeError::key);
        assert_eq!(
            keys,
            ["uscc.length", "uscc.character", "uscc.authority", "uscc.kind", "uscc.division", "uscc.check"]
        );
    }

    #[test]
    fn every_single_substitution_is_refused() {
        // 31 is prime and no weight is 0 mod 31, so changing one character always changes the sum
        // mod 31: the check character catches it unless an earlier check refuses the code first.
        for good in BY_HAND.iter().chain(&PUBLISHED) {
            for i in 0..18 {
                for &c in ALPHABET.iter().filter(|&&c| c != good.as_bytes()[i]) {
                    let mut bad = good.as_bytes().to_vec();
                    bad[i] = c;
                    let bad = String::from_utf8(bad).unwrap();
                    let result = CreditCode::parse(&bad);
                    assert!(result.is_err(), "{bad}");
                    if i >= 8 {
                        // Organisation code and check character: only the check can notice.
                        assert_eq!(result, Err(CreditCodeError::Check), "{bad}");
                    }
                }
            }
        }
    }

    #[test]
    fn adjacent_swaps_are_refused() {
        // Weights of neighbours differ by a factor of 3, so swapping two different characters
        // changes the sum by 2·(a - b)·w ≠ 0 mod 31.
        for good in BY_HAND.iter().chain(&PUBLISHED) {
            for i in 8..17 {
                let mut bad = good.as_bytes().to_vec();
                bad.swap(i, i + 1);
                if bad != good.as_bytes() {
                    assert!(CreditCode::parse(&String::from_utf8(bad).unwrap()).is_err(), "{good} {i}");
                }
            }
        }
    }

    #[test]
    fn parts_and_masking() {
        let code = CreditCode::parse("91370202MA3C12345B").unwrap();
        assert_eq!(code.organisation_code(), "MA3C12345");
        assert_eq!(code.masked(), "9137**********345B");
        assert_eq!(code.masked().chars().count(), 18);
        assert_eq!(CreditCode::parse("914403001922038216").unwrap().organisation_code(), "192203821");
    }
}
