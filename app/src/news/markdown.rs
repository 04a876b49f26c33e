//! Markdown to HTML, always sanitised: `pulldown-cmark` renders (it passes raw HTML through,
//! as CommonMark says it must), then `ammonia` keeps only an explicit allow-list of tags and
//! attributes. The allow-list is written out here rather than taken from ammonia's defaults,
//! so a new default in a later version of the crate cannot widen what an article may carry.
//!
//! What survives: text structure (paragraphs, headings, lists, quotes, code, tables, emphasis),
//! links to `http`, `https` and `mailto` and to this site (a path starting with one `/`), and
//! images from `http(s)` or this site (the uploads), written as `![alt](src)` so that each has
//! its alt text. No raw `<img>`, no script or style (their content goes too), no event
//! attributes, no `javascript:`/`data:`/`vbscript:` URLs, no SVG or MathML, no frames or forms;
//! every link gets `rel="noopener noreferrer"`. Run at write time: the HTML is
//! stored, so a read never renders.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Options, Parser, html};

const TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
];

/// The article's Markdown as safe HTML.
pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    // Images come from `![alt](src)` only, which always carries its alt text; a raw `<img>`
    // would survive the sanitiser without one (every image needs alt text), so it goes here.
    let events = Parser::new_ext(markdown, options).filter(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => !h.to_ascii_lowercase().contains("<img"),
        _ => true,
    });
    html::push_html(&mut raw, events);
    sanitise(&raw)
}

/// The article's words without their markup, for search: text, code and images' alt text,
/// a line per block; no link targets, no raw HTML, no `**` or `#` (a result's snippet is cut
/// from this, and a reader should see the sentence, not its Markdown).
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::TagEnd;
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

/// `html` with everything outside the allow-list removed.
pub fn sanitise(html: &str) -> String {
    let tag_attributes: HashMap<&str, HashSet<&str>> = HashMap::from([
        ("a", HashSet::from(["href", "title"])),
        ("img", HashSet::from(["src", "alt", "title"])),
        ("ol", HashSet::from(["start"])),
        ("th", HashSet::from(["align"])),
        ("td", HashSet::from(["align"])),
    ]);
    ammonia::Builder::empty()
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(HashSet::from(["script", "style"]))
        .tag_attributes(tag_attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Custom(Box::new(same_site)))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .clean(html)
        .to_string()
}

/// Whether the Markdown has an image written without alt text (`![](src)`, or an alt of only
/// spaces): refused when it is written, since every image needs one. The alt is what the
/// parser would render, so `![**粗**](x)` has one and `![ ](x)` has none.
pub fn image_alt_missing(markdown: &str) -> bool {
    use pulldown_cmark::{Tag, TagEnd};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut depth = 0_usize;
    let mut alt = String::new();
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Image { .. }) => {
                if depth == 0 {
                    alt.clear();
                }
                depth += 1;
            }
            Event::End(TagEnd::Image) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && alt.trim().is_empty() {
                    return true;
                }
            }
            Event::Text(t) | Event::Code(t) if depth > 0 => alt.push_str(&t),
            _ => {}
        }
    }
    false
}

/// A relative URL is kept only when it is a path of this site: `//host/…` (another site,
/// without a scheme) and anything else is dropped.
fn same_site(url: &str) -> Option<Cow<'_, str>> {
    let path_of_this_site = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
    path_of_this_site.then_some(Cow::Borrowed(url))
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_text_keeps_the_words_and_drops_the_markup() {
        let text = super::plain_text(
            "## 红色电影周开幕\n\n12 月 5 日晚，**红色电影周**开幕。报名请看[活动列表](/events)。\n\n![e家标志](/static/icon.svg)\n\n<script>alert(1)</script>\n\n- 一\n- `二`",
        );
        assert_eq!(text, "红色电影周开幕\n12 月 5 日晚，红色电影周开幕。报名请看活动列表。\ne家标志\n一\n二");
    }

    use super::{image_alt_missing, render};

    #[test]
    fn an_image_alt_missing_text_is_found() {
        assert!(image_alt_missing("前文\n\n![](/images/1.jpg)"));
        assert!(image_alt_missing("![ ](/images/1.jpg)"));
        assert!(image_alt_missing("![有](/a.jpg) 和 ![](/b.jpg)"));
        assert!(!image_alt_missing("![讲座现场](/images/1.jpg)"));
        assert!(!image_alt_missing("![**粗**](/images/1.jpg)"));
        assert!(!image_alt_missing("[](/news/1) 不是图片，`![](x)` 是代码"));
    }

    /// Nothing in `html` that a browser would run or fetch from elsewhere.
    fn assert_harmless(html: &str) {
        let lower = html.to_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onload",
            "onclick",
            "javascript:",
            "vbscript:",
            "data:",
            "<svg",
            "<math",
            "<iframe",
            "<style",
            "<object",
            "<embed",
            "<form",
            "alert(1)",
            "srcdoc",
        ] {
            assert!(!lower.contains(bad), "{bad:?} survived in {html}");
        }
    }

    #[test]
    fn ordinary_markdown_renders() {
        let html = render("# 学百年党史\n\n**聚**市南力量，[报名](https://example.org/x)。\n\n![讲座](/media/1.jpg)");
        assert!(html.contains("<h1>学百年党史</h1>"), "{html}");
        assert!(html.contains("<strong>聚</strong>"), "{html}");
        assert!(html.contains(r#"<a href="https://example.org/x" rel="noopener noreferrer">报名</a>"#), "{html}");
        assert!(html.contains(r#"<img src="/media/1.jpg" alt="讲座">"#), "{html}");
    }

    #[test]
    fn hostile_input_does_not_survive() {
        let hostile = [
            "<script>alert(1)</script>",
            "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
            "<img src=x onerror=alert(1)>",
            "<img src=\"/ok.png\" onload=\"alert(1)\">",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](jav&#x09;ascript:alert(1))",
            "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
            "[x](vbscript:alert(1))",
            "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<svg onload=alert(1)><circle r=1 /></svg>",
            "<svg><script>alert(1)</script></svg>",
            "<math><mtext><script>alert(1)</script></mtext></math>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
            "<style>body{background:url(javascript:alert(1))}</style>",
            "<p style=\"background:url(javascript:alert(1))\" onclick=\"alert(1)\">x</p>",
            "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
            "<form action=\"https://evil.example\"><input></form>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "<scr<script>ipt>alert(1)</scr</script>ipt>",
            "<!--<script>alert(1)</script>-->",
            "<a href=\"java\nscript:alert(1)\">x</a>",
        ];
        for input in hostile {
            let html = render(input);
            // An entity-escaped "<script>" is text, which the browser shows and never runs:
            // what must not appear is the markup.
            assert_harmless(&html.replace("&lt;script&gt;", "").replace("alert(1)", ""));
            assert!(!html.to_lowercase().contains("<script"), "{input} gave {html}");
            assert!(!html.contains(" on"), "{input} gave an event attribute: {html}");
        }
    }

    #[test]
    fn images_come_with_alt_text_or_not_at_all() {
        assert_eq!(render("<img src=\"/a.png\">\n\n前<img src=\"/b.png\">后"), "<p>前后</p>\n");
        assert!(render("![街景](/a.png)").contains(r#"alt="街景""#));
    }

    #[test]
    fn links_get_rel_and_only_safe_destinations() {
        let html = render("[a](https://example.org) [b](/news/1) [c](//evil.example/x) [d](mailto:x@example.org)");
        assert_eq!(html.matches(r#"rel="noopener noreferrer""#).count(), 4, "{html}");
        assert!(html.contains(r#"href="/news/1""#), "{html}");
        assert!(!html.contains("evil.example"), "{html}");
    }
}
