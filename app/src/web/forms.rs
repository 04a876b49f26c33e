//! Field errors as templates use them.

use crate::error::FieldError;

/// The field errors of a submitted form.
#[derive(Debug, Clone, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// No errors (a fresh form).
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// The translation key of the first error on `field`.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.key)
    }

    /// Whether `field` has an error.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Whether there are any errors.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Errors not tied to a visible field (shown at the top of the form).
    pub fn general(&self) -> Vec<&'static str> {
        self.0.iter().filter(|e| e.field.is_empty()).map(|e| e.key).collect()
    }
}

impl From<Vec<FieldError>> for Errors {
    fn from(v: Vec<FieldError>) -> Self {
        Self(v)
    }
}
