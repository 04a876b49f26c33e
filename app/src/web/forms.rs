//! Field errors as templates use them, and the error summary every form shows at its top.
//!
//! A form sent back with errors shows, above its fields, a summary (`_forms.html`'s
//! `error_summary` macro) that takes focus on load (`autofocus` on a `tabindex="-1"` box, so no
//! script is needed) and lists each error as a link to its field; each field is marked
//! `aria-invalid` and points at its message with `aria-describedby` (the `field` macro does both).
//! What the person typed is kept: the handler renders the same page with the submitted values.
//!
//! How a form uses it:
//! 1. The handler turns `AppError::Invalid(errors)` into `Errors` (`errors.into()`) and renders
//!    its page again with status 422 and the values that were sent.
//! 2. The template calls `{% call forms::error_summary(ctx, errors) %}{% endcall %}` first in the
//!    `<form>` (or just before it) and renders fields with `forms::field`, or by hand with
//!    `id="f-{name}"`, `aria-invalid` and `aria-describedby="f-{name}-error"`.
//! 3. Fields whose element id is not `f-{name}` name it with [`Errors::anchor`]; the summary
//!    reads better with the field's label in front of the message, given by [`Errors::label`]
//!    or, for `backoffice::Field` lists, [`Errors::labelled`].
//! 4. Give the form's `action` the fragment `#form-errors`: without script, the browser then
//!    scrolls the page sent back to the summary even when the form sits below the fold.

use crate::error::FieldError;
use crate::web::backoffice::Field;

/// The field errors of a submitted form.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    list: Vec<FieldError>,
    /// Field → its label's translation key, for the summary.
    labels: Vec<(&'static str, &'static str)>,
    /// Field → the id of its element, when not `f-{field}`.
    anchors: Vec<(&'static str, String)>,
}

/// One line of the error summary: a link to the field, its label and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    /// `#f-name`, or None for an error not tied to a field.
    pub href: Option<String>,
    /// The field's label (translation key), when known.
    pub label: Option<&'static str>,
    /// The message (translation key).
    pub key: &'static str,
}

impl Errors {
    /// No errors (a fresh form).
    pub fn none() -> Self {
        Self::default()
    }

    /// The translation key of the first error on `field`.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.list.iter().find(|e| e.field == field).map(|e| e.key)
    }

    /// Whether `field` has an error.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Whether there are any errors.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Errors not tied to a visible field (shown at the top of the form).
    pub fn general(&self) -> Vec<&'static str> {
        self.list.iter().filter(|e| e.field.is_empty()).map(|e| e.key).collect()
    }

    /// Names the label of `field` for the summary.
    pub fn label(mut self, field: &'static str, label_key: &'static str) -> Self {
        self.labels.push((field, label_key));
        self
    }

    /// Takes the labels of a list of back-office fields.
    pub fn labelled(mut self, fields: &[Field]) -> Self {
        self.labels.extend(fields.iter().map(|f| (f.name, f.label_key)));
        self
    }

    /// Says that `field`'s element has the id `id` (not `f-{field}`).
    pub fn anchor(mut self, field: &'static str, id: impl Into<String>) -> Self {
        self.anchors.push((field, id.into()));
        self
    }

    /// The summary: one line per error, in the order found, each linked to its field.
    pub fn summary(&self) -> Vec<SummaryItem> {
        self.list
            .iter()
            .map(|e| SummaryItem {
                href: (!e.field.is_empty()).then(|| {
                    let id = self.anchors.iter().find(|(f, _)| *f == e.field).map(|(_, id)| id.clone());
                    format!("#{}", id.unwrap_or_else(|| format!("f-{}", e.field)))
                }),
                label: self.labels.iter().find(|(f, _)| *f == e.field).map(|(_, l)| *l),
                key: e.key,
            })
            .collect()
    }
}

impl From<Vec<FieldError>> for Errors {
    fn from(list: Vec<FieldError>) -> Self {
        Self { list, ..Self::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_links_each_error_to_its_field() {
        let errors: Errors = vec![
            FieldError { field: "id_number", key: "form.id_number_invalid" },
            FieldError { field: "person_id", key: "booking.real_name_required" },
            FieldError { field: "", key: "form.required" },
        ]
        .into();
        let errors = errors.label("id_number", "field.id_number").anchor("person_id", "person-7");
        let s = errors.summary();
        assert_eq!(s[0].href.as_deref(), Some("#f-id_number"));
        assert_eq!(s[0].label, Some("field.id_number"));
        assert_eq!(s[1].href.as_deref(), Some("#person-7"));
        assert_eq!((s[2].href.as_deref(), s[2].label), (None, None));
        assert!(errors.has("person_id") && !errors.has("name"));
    }
}
