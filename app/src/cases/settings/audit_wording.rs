//! How the audit log words the case settings: categories and the work calendar.

use crate::audit::Wording;

/// The settings' entries (registered in `cases::settings::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[
        ("case_category", "audit.object.case_category"),
        ("work_calendar", "audit.object.work_calendar"),
        ("work_day", "audit.object.work_day"),
    ],
    actions: &[
        ("case_category.update", "audit.action.case_category_update"),
        ("work_calendar.update", "audit.action.work_calendar_update"),
        ("work_day.set", "audit.action.work_day_set"),
        ("work_day.clear", "audit.action.work_day_clear"),
    ],
    links: &[("case_category", "/manage/case-categories/{id}"), ("work_calendar", "/manage/work-calendar")],
    // `settings_of` and the calendar's summaries (`cases::settings::service`).
    fields: &[
        ("limit", "audit.fields.limit"),
        ("photos_required", "audit.fields.photos_required"),
        ("public", "audit.fields.public"),
        ("precise", "audit.fields.precise"),
        ("periods", "audit.fields.periods"),
        ("weekdays", "audit.fields.weekdays"),
        ("day", "audit.fields.day"),
        ("working", "audit.fields.working"),
    ],
};
