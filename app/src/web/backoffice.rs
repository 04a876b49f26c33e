//! Generic back-office pages: a table and a form, described in Rust and rendered by one
//! template each, so every back-office screen looks and behaves the same (labels, error
//! placement, focus order) and new screens cost no new HTML.

use crate::web::Ctx;
use crate::web::forms::Errors;

/// A link or button target.
#[derive(Debug, Clone)]
pub struct Link {
    /// Visible text (already translated).
    pub label: String,
    /// URL.
    pub href: String,
}

impl Link {
    /// ` lang="zh-CN"` when the label holds Chinese: the English catalogue has none, so on an
    /// English page that is data (an activity's title), which screen readers should read as
    /// Chinese. Printed inside the `<a>` tag.
    pub fn lang_attr(&self) -> &'static str {
        if crate::web::i18n::has_chinese(&self.label) { " lang=\"zh-CN\"" } else { "" }
    }
}

/// A tile on the back-office home: a section a user may open. Every domain lists its own
/// (`app::Domain::tiles`); the home shows them in the order of `app::DOMAINS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    /// Translation key of its label.
    pub key: &'static str,
    /// URL.
    pub href: &'static str,
}

impl Tile {
    /// The tile linking `href`, labelled by `key`.
    pub const fn new(key: &'static str, href: &'static str) -> Self {
        Self { key, href }
    }
}

/// A table cell.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Text (already translated or data).
    pub text: String,
    /// Makes the cell a link.
    pub href: Option<String>,
    /// The text is data in the district's language (a name, an address), not wording: the
    /// cell says `lang="zh-CN"`, so an English page reads it as Chinese (issue 12).
    pub data: bool,
}

impl Cell {
    /// A plain cell.
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), href: None, data: false }
    }

    /// A linked cell.
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self { text: text.into(), href: Some(href.into()), data: false }
    }

    /// Marks the cell's text as data (a name, an address) rather than translated wording.
    #[must_use]
    pub fn data(mut self) -> Self {
        self.data = true;
        self
    }
}

/// An `<option>`.
#[derive(Debug, Clone)]
pub struct Opt {
    /// Submitted value.
    pub value: String,
    /// Visible label.
    pub label: String,
}

impl Opt {
    /// Whether the option's text is data in Chinese (a name) on a page in another language;
    /// templates mark it `lang="zh-CN"` (see [`crate::web::i18n::has_chinese`]).
    pub fn is_data(&self) -> bool {
        crate::web::i18n::has_chinese(&self.label)
    }
}

/// An `<optgroup>` (label None: options without a group).
#[derive(Debug, Clone)]
pub struct OptGroup {
    /// Group label.
    pub label: Option<String>,
    /// Options.
    pub options: Vec<Opt>,
}

impl OptGroup {
    /// Whether the label is data in Chinese, as [`Opt::is_data`].
    pub fn is_data(&self) -> bool {
        self.label.as_deref().is_some_and(crate::web::i18n::has_chinese)
    }
}

/// A form field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Input name.
    pub name: &'static str,
    /// Label translation key.
    pub label_key: &'static str,
    /// `text`, `tel`, `number`, `password` or `select`.
    pub kind: &'static str,
    /// Current value.
    pub value: String,
    /// Whether the field must be filled.
    pub required: bool,
    /// Hint translation key shown under the label.
    pub hint_key: Option<&'static str>,
    /// `autocomplete` attribute.
    pub autocomplete: &'static str,
    /// Options, for selects.
    pub groups: Vec<OptGroup>,
    /// Extra input attributes: `inputmode`, `step`, `maxlength`.
    pub inputmode: &'static str,
}

impl Field {
    /// A text input.
    pub fn text(name: &'static str, label_key: &'static str, value: impl Into<String>) -> Self {
        Self {
            name,
            label_key,
            kind: "text",
            value: value.into(),
            required: false,
            hint_key: None,
            autocomplete: "off",
            groups: Vec::new(),
            inputmode: "text",
        }
    }

    /// A text area, for text of several lines (an activity's introduction).
    pub fn textarea(name: &'static str, label_key: &'static str, value: impl Into<String>) -> Self {
        Self { kind: "textarea", ..Self::text(name, label_key, value) }
    }

    /// A select with the given groups.
    pub fn select(
        name: &'static str,
        label_key: &'static str,
        value: impl Into<String>,
        groups: Vec<OptGroup>,
    ) -> Self {
        Self { kind: "select", groups, ..Self::text(name, label_key, value) }
    }

    /// Marks the field required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, key: &'static str) -> Self {
        self.hint_key = Some(key);
        self
    }

    /// Sets the input kind (`tel`, `number`, `password`).
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// Sets `inputmode` (`numeric`, `decimal`, `tel`).
    pub fn inputmode(mut self, mode: &'static str) -> Self {
        self.inputmode = mode;
        self
    }

    /// Sets `autocomplete`.
    pub fn autocomplete(mut self, value: &'static str) -> Self {
        self.autocomplete = value;
        self
    }
}

/// A table page.
#[derive(askama::Template)]
#[template(path = "manage/list.html")]
pub struct ListPage {
    /// Page context.
    pub ctx: Ctx,
    /// Heading (translated).
    pub title: String,
    /// Buttons above the table ("New venue").
    pub actions: Vec<Link>,
    /// GET filter fields, if any.
    pub filters: Vec<Field>,
    /// Column header keys.
    pub headers: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// "Older entries" link for long lists.
    pub more: Option<Link>,
}

impl ListPage {
    /// The key of column `i`'s header (each cell is labelled with it on a phone).
    pub fn header(&self, i: usize) -> &'static str {
        self.headers.get(i).copied().unwrap_or("form.none")
    }
}

/// A form page.
#[derive(askama::Template)]
#[template(path = "manage/form.html")]
pub struct FormPage {
    /// Page context.
    pub ctx: Ctx,
    /// Heading (translated).
    pub title: String,
    /// Where the form posts.
    pub action: String,
    /// Fields.
    pub fields: Vec<Field>,
    /// Errors of the last submission.
    pub errors: Errors,
    /// Submit button key.
    pub submit_key: &'static str,
    /// Link back to the list.
    pub back: Link,
    /// Whether the form offers a look at the text as residents will see it.
    pub preview: Preview,
}

/// A form's "preview" step, which works without JavaScript: the button posts the form, the
/// page comes back with what was typed and, above it, the text as residents will read it.
/// Nothing is saved by a preview.
#[derive(Debug, Clone, Default)]
pub enum Preview {
    /// No preview button.
    #[default]
    Off,
    /// A preview button, nothing shown yet.
    Offered,
    /// The preview of a title and its text.
    Shown {
        /// Title as it will read.
        title: String,
        /// Text, paragraphs kept.
        body: String,
    },
}

impl Preview {
    /// Whether the form shows the preview button.
    pub fn offered(&self) -> bool {
        !matches!(self, Self::Off)
    }
}
