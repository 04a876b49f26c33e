//! Every route of the site and of the API × every role, as a table: who gets past the route's
//! role gate. The tables must name every route: the API's are compared with the operations of
//! `/api/v1/openapi.json`, the site's with the paths the source gives `.route(…)`, so a new route
//! without a row fails here.
//!
//! Each row holds one letter per role of [`ROLES`]: `P` passes the gate (whatever the handler then
//! answers: a page, a redirect, 404 for the object that does not exist, 400/422 for the empty
//! form), `F` is refused (403), `L` is sent to log in (the site's redirect to `/login`, the API's
//! 401). Ids in paths name nothing, so the rows test the gates, not the objects: who may see one
//! case or offering is `cases::access_matrix`'s and the domains' tables.

use std::collections::BTreeSet;

use ejia::authz::Role;
use serde_json::{Value, json};

use crate::helpers::*;

/// The roles, in the order of a row's letters: nobody signed in, then one person per role
/// (street roles in 香港中路街道, department roles in 区综合行政执法局).
const ROLES: [&str; 10] = [
    "anonymous",
    "resident",
    "enterprise",
    "inspector",
    "handler",
    "dispatcher",
    "organiser",
    "editor",
    "street admin",
    "district admin",
];

/// Site routes, `(method, path, letters)`.
#[rustfmt::skip]
const SITE: &[(&str, &str, &str)] = &[
        ("GET",   "/",                                           "PPPPPPPPPP"),
        ("GET",   "/board",                                      "PPPPPPPPPP"),
        ("GET",   "/board/{id}",                                 "PPPPPPPPPP"),
        ("GET",   "/board/{id}/photos/{file}",                   "PPPPPPPPPP"),
        ("GET",   "/bookings/{id}/cancel",                       "LPPPPPPPPP"),
        ("POST",  "/bookings/{id}/cancel",                       "LPPPPPPPPP"),
        ("POST",  "/bookings/{id}/checkin",                      "LPPPPPPPPP"),
        ("POST",  "/bookings/{id}/reschedule",                   "PPPPPPPPPP"),
        ("GET",   "/bookings/{id}/ticket.svg",                   "LPPPPPPPPP"),
        ("GET",   "/calendar/{file}",                            "PPPPPPPPPP"),
        ("GET",   "/cases/{id}",                                 "LPPPPPPPPP"),
        ("POST",  "/cases/{id}/act",                             "LPPPPPPPPP"),
        ("POST",  "/cases/{id}/assist/agent",                    "LPPPPPPPPP"),
        ("POST",  "/cases/{id}/caller/reveal",                   "LPPPPPPPPP"),
        ("POST",  "/cases/{id}/checklist/{step}",                "LPPPPPPPPP"),
        ("POST",  "/cases/{id}/contact/reveal",                  "LPPPPPPPPP"),
        ("POST",  "/cases/{id}/merge",                           "LPPPPPPPPP"),
        ("POST",  "/cases/{id}/photos",                          "LPPPPPPPPP"),
        ("GET",   "/cases/{id}/photos/{file}",                   "PPPPPPPPPP"),
        ("POST",  "/cases/{id}/photos/{image}/review",           "LPPPPPPPPP"),
        ("POST",  "/cases/{id}/reporter/reveal",                 "LPPPPPPPPP"),
        ("GET",   "/challenges/{id}",                            "PPPPPPPPPP"),
        ("POST",  "/challenges/{id}/checkin",                    "LPPPPPPPPP"),
        ("POST",  "/challenges/{id}/import",                     "LPPPPPPPPP"),
        ("POST",  "/challenges/{id}/join",                       "LPPPPPPPPP"),
        ("GET",   "/challenges/{id}/map.svg",                    "PPPPPPPPPP"),
        ("GET",   "/challenges/{id}/milestones/{seq}",           "PPPPPPPPPP"),
        ("GET",   "/challenges/{id}/milestones/{seq}/card.png",  "PPPPPPPPPP"),
        ("GET",   "/challenges/{id}/milestones/{seq}/card.svg",  "PPPPPPPPPP"),
        ("POST",  "/challenges/{id}/milestones/{seq}/quiz",      "LPPPPPPPPP"),
        ("GET",   "/discovery.json",                             "PPPPPPPPPP"),
        ("GET",   "/district",                                   "PPPPPPPPPP"),
        ("GET",   "/enterprise",                                 "LPPPPPPPPP"),
        ("GET",   "/enterprise/apply",                           "LPPPPPPPPP"),
        ("POST",  "/enterprise/apply",                           "LPPPPPPPPP"),
        ("GET",   "/enterprise/requests/new",                    "LPPPPPPPPP"),
        ("POST",  "/enterprise/requests/new",                    "LPPPPPPPPP"),
        ("GET",   "/events",                                     "PPPPPPPPPP"),
        ("GET",   "/events/{file}",                              "PPPPPPPPPP"),
        ("GET",   "/healthz",                                    "PPPPPPPPPP"),
        ("GET",   "/images/{file}",                              "PPPPPPPPPP"),
        ("GET",   "/login",                                      "PPPPPPPPPP"),
        ("POST",  "/login",                                      "PPPPPPPPPP"),
        ("GET",   "/login/reset",                                "PPPPPPPPPP"),
        ("POST",  "/login/reset",                                "PPPPPPPPPP"),
        ("GET",   "/login/reset/verify",                         "PPPPPPPPPP"),
        ("POST",  "/login/reset/verify",                         "PPPPPPPPPP"),
        ("GET",   "/login/unlock",                               "PPPPPPPPPP"),
        ("POST",  "/login/unlock",                               "PPPPPPPPPP"),
        ("GET",   "/login/unlock/verify",                        "PPPPPPPPPP"),
        ("POST",  "/login/unlock/verify",                        "PPPPPPPPPP"),
        ("POST",  "/logout",                                     "PPPPPPPPPP"),
        ("GET",   "/manage",                                     "LFFPPPPPPP"),
        ("GET",   "/manage/assist",                              "LFFFPPFFFP"),
        ("GET",   "/manage/audit",                               "LFFFFFFFPP"),
        ("POST",  "/manage/bookings/{id}/mark",                  "LFFPPPPPPP"),
        ("GET",   "/manage/challenges",                          "LFFFFFPFFP"),
        ("GET",   "/manage/challenges/new",                      "LFFFFFPFFP"),
        ("POST",  "/manage/challenges/new",                      "LFFFFFPFFP"),
        ("GET",   "/manage/challenges/{id}/edit",                "LFFFFFPFFP"),
        ("POST",  "/manage/challenges/{id}/edit",                "LFFFFFPFFP"),
        ("GET",   "/manage/challenges/{id}/teams",               "LFFFFFPFFP"),
        ("POST",  "/manage/challenges/{id}/teams",               "LFFFFFPFFP"),
        ("POST",  "/manage/challenges/{id}/teams/communities",   "LFFFFFPFFP"),
        ("POST",  "/manage/challenges/{id}/teams/{team}/rename", "LFFFFFPFFP"),
        ("GET",   "/manage/challenges/{id}/review",              "LFFFFFPFFP"),
        ("POST",  "/manage/challenges/{id}/review/{checkin}",    "LFFFFFPFFP"),
        ("GET",   "/manage/challenges/{id}/export.csv",          "LFFFFFPFFP"),
        ("GET",   "/manage/challenges/{id}/export.xlsx",         "LFFFFFPFFP"),
        ("GET",   "/manage/case-categories",                     "LFFFFFFFFP"),
        ("GET",   "/manage/case-categories/{id}",                "LFFFFFFFFP"),
        ("POST",  "/manage/case-categories/{id}",                "LFFFFFFFFP"),
        ("GET",   "/manage/case-stats",                          "LFFFFPFFPP"),
        ("GET",   "/manage/case-stats.csv",                      "LFFFFPFFPP"),
        ("GET",   "/manage/case-stats.xlsx",                     "LFFFFPFFPP"),
        ("GET",   "/manage/cases",                               "LFFPPPPPPP"),
        ("GET",   "/manage/challenges/{id}/quiz",                "LFFFFFPFFP"),
        ("GET",   "/manage/challenges/{id}/quiz/{question}",     "LFFFFFPFFP"),
        ("POST",  "/manage/challenges/{id}/quiz/{question}",     "LFFFFFPFFP"),
        ("GET",   "/manage/checkin",                             "LFFFFFPFPP"),
        ("POST",  "/manage/checkin",                             "LFFFFFPFPP"),
        ("GET",   "/manage/communities",                         "LFFPPPPPPP"),
        ("GET",   "/manage/communities/new",                     "LFFPPPPPPP"),
        ("POST",  "/manage/communities/new",                     "LFFPPPPPPP"),
        ("GET",   "/manage/communities/{id}",                    "LFFPPPPPPP"),
        ("POST",  "/manage/communities/{id}",                    "LFFPPPPPPP"),
        ("GET",   "/manage/departments",                         "LFFPPPPPPP"),
        ("GET",   "/manage/departments/new",                     "LFFFFFFFFP"),
        ("POST",  "/manage/departments/new",                     "LFFPPPPPPP"),
        ("GET",   "/manage/departments/{id}",                    "LFFPPPPPPP"),
        ("POST",  "/manage/departments/{id}",                    "LFFPPPPPPP"),
        ("GET",   "/manage/enterprises",                         "LFFFFPFFFP"),
        ("POST",  "/manage/enterprises/{id}/decision",           "LFFFFPFFFP"),
        ("GET",   "/manage/events",                              "LFFFFFPFFP"),
        ("GET",   "/manage/events/new",                          "LFFFFFPFFP"),
        ("POST",  "/manage/events/new",                          "LFFFFFPFFP"),
        ("GET",   "/manage/events/{id}",                         "LFFFFFPFFP"),
        ("GET",   "/manage/events/{id}/edit",                    "LFFFFFPFFP"),
        ("POST",  "/manage/events/{id}/edit",                    "LFFFFFPFFP"),
        ("POST",  "/manage/events/{id}/cover",                   "LFFFFFPFFP"),
        ("POST",  "/manage/events/{id}/sessions",                "LFFFFFPFFP"),
        ("GET",   "/manage/hotline",                             "LFFFFPFFPP"),
        ("POST",  "/manage/hotline",                             "LFFFFPFFPP"),
        ("GET",   "/manage/news",                                "LFFFFFFPPP"),
        ("GET",   "/manage/news/new",                            "LFFFFFFPPP"),
        ("POST",  "/manage/news/new",                            "LFFFFFFPPP"),
        ("GET",   "/manage/news/{id}",                           "LFFFFFFPPP"),
        ("POST",  "/manage/news/{id}",                           "LFFFFFFPPP"),
        ("POST",  "/manage/news/{id}/transition",                "LFFFFFFPPP"),
        ("POST",  "/manage/news/{id}/cover",                     "LFFFFFFPPP"),
        ("POST",  "/manage/news/{id}/image",                     "LFFFFFFPPP"),
        ("GET",   "/manage/topics",                              "LFFFFFFPFP"),
        ("POST",  "/manage/topics",                              "LFFFFFFPFP"),
        ("GET",   "/manage/topics/{id}",                         "LFFFFFFPFP"),
        ("POST",  "/manage/topics/{id}",                         "LFFFFFFPFP"),
        ("POST",  "/manage/topics/{id}/banner",                  "LFFFFFFPFP"),
        ("POST",  "/manage/topics/{id}/sections",                "LFFFFFFPFP"),
        ("POST",  "/manage/topics/{id}/events",                  "LFFFFFFPFP"),
        ("GET",   "/manage/patrols",                             "LFFFFPFFPP"),
        ("GET",   "/manage/points",                              "LFFFFFFFPP"),
        ("GET",   "/manage/points/{source}",                     "LFFFFFFFFP"),
        ("POST",  "/manage/points/{source}",                     "LFFFFFFFFP"),
        ("GET",   "/manage/services/{id}",                       "LFFPPPPPPP"),
        ("GET",   "/manage/services/{id}/export.csv",            "LFFPPPPPPP"),
        ("GET",   "/manage/services/{id}/export.xlsx",           "LFFPPPPPPP"),
        ("GET",   "/manage/services",                            "LFFFFFPFFP"),
        ("GET",   "/manage/services/new",                        "LFFFFFPFFP"),
        ("POST",  "/manage/services/new",                        "LFFFFFPFFP"),
        ("GET",   "/manage/services/{id}/edit",                  "LFFFFFPFFP"),
        ("POST",  "/manage/services/{id}/edit",                  "LFFFFFPFFP"),
        ("GET",   "/manage/services/{id}/slots",                 "LFFFFFPFFP"),
        ("POST",  "/manage/services/{id}/slots",                 "LFFFFFPFFP"),
        ("POST",  "/manage/slots/{id}/capacity",                 "LFFFFFPFFP"),
        ("GET",   "/manage/slots/{id}/cancel",                   "LFFFFFPFFP"),
        ("POST",  "/manage/slots/{id}/cancel",                   "LFFFFFPFFP"),
        ("POST",  "/manage/slots/{id}/draw",                     "LFFFFFPFFP"),
        ("POST",  "/manage/sessions/{id}/cancel",                "LFFFFFPFFP"),
        ("POST",  "/manage/sessions/{id}/edit",                  "LFFFFFPFFP"),
        ("GET",   "/manage/sessions/{id}/registrations.csv",     "LFFPPPPPPP"),
        ("GET",   "/manage/sessions/{id}/registrations.xlsx",    "LFFPPPPPPP"),
        ("GET",   "/manage/events/{id}/registrations.csv",       "LFFPPPPPPP"),
        ("GET",   "/manage/events/{id}/registrations.xlsx",      "LFFPPPPPPP"),
        ("GET",   "/manage/streets",                             "LFFPPPPPPP"),
        ("GET",   "/manage/streets/new",                         "LFFFFFFFFP"),
        ("POST",  "/manage/streets/new",                         "LFFPPPPPPP"),
        ("GET",   "/manage/streets/{id}",                        "LFFFFFFFFP"),
        ("POST",  "/manage/streets/{id}",                        "LFFPPPPPPP"),
        ("GET",   "/manage/users",                               "LFFFFFFFPP"),
        ("GET",   "/manage/users/new",                           "LFFFFFFFPP"),
        ("POST",  "/manage/users/new",                           "LFFFFFFFPP"),
        ("GET",   "/manage/users/{id}",                          "LFFPPPPPPP"),
        ("POST",  "/manage/users/{id}/roles",                    "LFFPPPPPPP"),
        ("POST",  "/manage/users/{id}/service-token",            "LFFFFFFFFP"),
        ("GET",   "/manage/venues",                              "LFFPPPPPPP"),
        ("GET",   "/manage/venues/new",                          "LFFPPPPPPP"),
        ("POST",  "/manage/venues/new",                          "LFFPPPPPPP"),
        ("GET",   "/manage/venues/{id}",                         "LFFPPPPPPP"),
        ("POST",  "/manage/venues/{id}",                         "LFFPPPPPPP"),
        ("GET",   "/manage/venues/{id}/checkin-code",            "LFFPPPPPPP"),
        ("GET",   "/manage/work-calendar",                       "LFFFFFFFFP"),
        ("POST",  "/manage/work-calendar",                       "LFFFFFFFFP"),
        ("POST",  "/manage/work-calendar/days",                  "LFFFFFFFFP"),
        ("POST",  "/manage/work-calendar/days/remove",           "LFFFFFFFFP"),
        ("GET",   "/me",                                         "LPPPPPPPPP"),
        ("GET",   "/me/bookings",                                "LPPPPPPPPP"),
        ("POST",  "/me/calendar/rotate",                         "LPPPPPPPPP"),
        ("GET",   "/me/cases",                                   "LPPPPPPPPP"),
        ("POST",  "/me/digest",                                  "LFFPPPPPPP"),
        ("GET",   "/me/inbox",                                   "LPPPPPPPPP"),
        ("POST",  "/me/inbox/read",                              "LPPPPPPPPP"),
        ("POST",  "/me/password",                                "LPPPPPPPPP"),
        ("GET",   "/me/people",                                  "LPPPPPPPPP"),
        ("POST",  "/me/people",                                  "LPPPPPPPPP"),
        ("GET",   "/me/people/{id}",                             "LPPPPPPPPP"),
        ("POST",  "/me/people/{id}",                             "LPPPPPPPPP"),
        ("GET",   "/me/people/{id}/remove",                      "LPPPPPPPPP"),
        ("POST",  "/me/people/{id}/remove",                      "LPPPPPPPPP"),
        ("GET",   "/me/people/{id}/phone",                       "LPPPPPPPPP"),
        ("POST",  "/me/people/{id}/phone",                       "LPPPPPPPPP"),
        ("POST",  "/me/people/{id}/phone/verify",                "LPPPPPPPPP"),
        ("GET",   "/me/points",                                  "LPPPPPPPPP"),
        ("POST",  "/me/profile",                                 "LPPPPPPPPP"),
        ("GET",   "/me/tokens",                                  "LPPPPPPPPP"),
        ("POST",  "/me/tokens",                                  "LPPPPPPPPP"),
        ("POST",  "/me/tokens/{id}/revoke",                      "LPPPPPPPPP"),
        ("GET",   "/metrics",                                    "PPPPPPPPPP"),
        ("GET",   "/news",                                       "PPPPPPPPPP"),
        ("GET",   "/news/feed.atom",                             "PPPPPPPPPP"),
        ("GET",   "/news/{id}",                                  "PPPPPPPPPP"),
        ("GET",   "/patrol",                                     "LFFPFFFFFF"),
        ("POST",  "/patrol/end",                                 "LFFPFFFFFF"),
        ("POST",  "/patrol/findings",                            "LFFPFFFFFF"),
        ("POST",  "/patrol/points",                              "LFFPFFFFFF"),
        ("POST",  "/patrol/start",                               "LFFPFFFFFF"),
        ("POST",  "/prefs",                                      "PPPPPPPPPP"),
        ("GET",   "/readyz",                                     "PPPPPPPPPP"),
        ("GET",   "/register",                                   "PPPPPPPPPP"),
        ("POST",  "/register",                                   "PPPPPPPPPP"),
        ("GET",   "/register/verify",                            "PPPPPPPPPP"),
        ("POST",  "/register/verify",                            "PPPPPPPPPP"),
        ("GET",   "/report",                                     "LPPPPPPPPP"),
        ("POST",  "/report",                                     "LPPPPPPPPP"),
        ("GET",   "/report/photos/{token}",                      "LPPPPPPPPP"),
        ("GET",   "/requests.json",                              "PPPPPPPPPP"),
        ("POST",  "/requests.json",                              "PPPPPPPPPP"),
        ("GET",   "/requests.xml",                               "PPPPPPPPPP"),
        ("POST",  "/requests.xml",                               "PPPPPPPPPP"),
        ("GET",   "/requests/{file}",                            "PPPPPPPPPP"),
        ("GET",   "/search",                                     "PPPPPPPPPP"),
        ("GET",   "/services",                                   "PPPPPPPPPP"),
        ("GET",   "/services.json",                              "PPPPPPPPPP"),
        ("GET",   "/services.xml",                               "PPPPPPPPPP"),
        ("GET",   "/services/{file}",                            "PPPPPPPPPP"),
        ("GET",   "/services/{id}",                              "PPPPPPPPPP"),
        ("POST",  "/sessions/{id}/register",                     "LPPPPPPPPP"),
        ("POST",  "/slots/{id}/book",                            "LPPPPPPPPP"),
        ("GET",   "/topics",                                     "PPPPPPPPPP"),
        ("GET",   "/topics/{id}",                                "PPPPPPPPPP"),
        ("GET",   "/topics/{id}/feed.atom",                      "PPPPPPPPPP"),
        ("GET",   "/static/{name}",                              "PPPPPPPPPP"),
        ("GET",   "/venues/{id}",                                "PPPPPPPPPP"),
        ("GET",   "/venues/{id}/calendar.ics",                   "PPPPPPPPPP"),
        ("GET",   "/welcome",                                    "LPPPPPPPPP"),
];

/// API operations, `(method, path as the document spells it, letters)`.
#[rustfmt::skip]
const API: &[(&str, &str, &str)] = &[
    ("GET",   "/articles",                                   "PPPPPPPPPP"),
    ("POST",  "/articles",                                   "LFFFFFFPPP"),
    ("GET",   "/articles/{id}",                              "PPPPPPPPPP"),
    ("PATCH", "/articles/{id}",                              "LFFFFFFPPP"),
    ("POST",  "/articles/{id}/transitions",                  "LFFFFFFPPP"),
    ("PUT",   "/articles/{id}/cover",                        "LFFFFFFPPP"),
    ("DELETE", "/articles/{id}/cover",                        "LFFFFFFPPP"),
    ("GET",   "/assist-cases",                               "LFFFPPFFFP"),
    ("GET",   "/assist-items",                               "PPPPPPPPPP"),
    ("DELETE", "/bookings/{id}",                              "LPPPPPPPPP"),
    ("POST",  "/bookings/{id}/attendance",                   "LPPPPPPPPP"),
    ("POST",  "/bookings/{id}/reschedule",                   "LPPPPPPPPP"),
    ("GET",   "/case-categories",                            "PPPPPPPPPP"),
    ("PATCH", "/case-categories/{id}",                       "LFFFFFFFFP"),
    ("GET",   "/case-stats",                                 "LFFFFPFFPP"),
    ("GET",   "/cases",                                      "LPPPPPPPPP"),
    ("POST",  "/cases",                                      "LPPPPPPPPP"),
    ("GET",   "/cases/{id}",                                 "LPPPPPPPPP"),
    ("POST",  "/cases/{id}/actions",                         "LPPPPPPPPP"),
    ("PUT",   "/cases/{id}/agent",                           "LPPPPPPPPP"),
    ("GET",   "/cases/{id}/checklist",                       "LPPPPPPPPP"),
    ("POST",  "/cases/{id}/checklist/{step_id}",             "LPPPPPPPPP"),
    ("POST",  "/cases/{id}/merge",                           "LPPPPPPPPP"),
    ("POST",  "/cases/{id}/photos",                          "LPPPPPPPPP"),
    ("GET",   "/cases/{id}/photos/{image}",                  "LPPPPPPPPP"),
    ("POST",  "/cases/{id}/photos/{image}/review",           "LPPPPPPPPP"),
    ("GET",   "/challenges",                                 "PPPPPPPPPP"),
    ("POST",  "/challenges",                                 "LPPPPPPPPP"),
    ("GET",   "/challenges/{id}",                            "PPPPPPPPPP"),
    ("PATCH", "/challenges/{id}",                            "LPPPPPPPPP"),
    ("GET",   "/challenges/{id}/board",                      "PPPPPPPPPP"),
    ("GET",   "/challenges/{id}/milestones",                 "PPPPPPPPPP"),
    ("GET",   "/challenges/{id}/milestones/{seq}",           "PPPPPPPPPP"),
    ("POST",  "/challenges/{id}/milestones/{seq}/quiz",      "LPPPPPPPPP"),
    ("GET",   "/challenges/{id}/checkins",                   "LPPPPPPPPP"),
    ("POST",  "/challenges/{id}/checkins",                   "LPPPPPPPPP"),
    ("POST",  "/challenges/{id}/checkins/csv",               "LPPPPPPPPP"),
    ("POST",  "/challenges/{id}/checkins/gpx",               "LPPPPPPPPP"),
    ("POST",  "/challenges/{id}/participants",               "LPPPPPPPPP"),
    ("GET",   "/challenges/{id}/progress",                   "LPPPPPPPPP"),
    ("GET",   "/challenges/{id}/teams",                      "PPPPPPPPPP"),
    ("POST",  "/challenges/{id}/teams",                      "LPPPPPPPPP"),
    ("POST",  "/checkins/{id}/review",                       "LPPPPPPPPP"),
    ("GET",   "/communities",                                "PPPPPPPPPP"),
    ("GET",   "/communities/{id}",                           "PPPPPPPPPP"),
    ("GET",   "/departments",                                "PPPPPPPPPP"),
    ("GET",   "/departments/{id}",                           "PPPPPPPPPP"),
    ("POST",  "/enterprise/application",                     "LPPPPPPPPP"),
    ("GET",   "/enterprise/requests",                        "LFFFFFFFFF"),
    ("POST",  "/enterprise/requests",                        "LPPPPPPPPP"),
    ("GET",   "/enterprises",                                "LFFFFPFFFP"),
    ("POST",  "/enterprises/{id}/decision",                  "LPPPPPPPPP"),
    ("GET",   "/events",                                     "PPPPPPPPPP"),
    ("POST",  "/events",                                     "LPPPPPPPPP"),
    ("GET",   "/events/{id}",                                "PPPPPPPPPP"),
    ("DELETE", "/events/{id}/cover",                          "LPPPPPPPPP"),
    ("PUT",   "/events/{id}/cover",                          "LPPPPPPPPP"),
    ("POST",  "/events/{id}/sessions",                       "LPPPPPPPPP"),
    ("GET",   "/me",                                         "LPPPPPPPPP"),
    ("GET",   "/me/bookings",                                "LPPPPPPPPP"),
    ("GET",   "/me/cases",                                   "LPPPPPPPPP"),
    ("GET",   "/me/checkins",                                "LPPPPPPPPP"),
    ("GET",   "/me/enterprise",                              "LPPPPPPPPP"),
    ("GET",   "/me/notifications",                           "LPPPPPPPPP"),
    ("POST",  "/me/notifications/read",                      "LPPPPPPPPP"),
    ("GET",   "/me/patrols",                                 "LPPPPPPPPP"),
    ("GET",   "/me/people",                                  "LPPPPPPPPP"),
    ("POST",  "/me/people",                                  "LPPPPPPPPP"),
    ("GET",   "/me/points",                                  "LPPPPPPPPP"),
    ("GET",   "/me/registrations",                           "LPPPPPPPPP"),
    ("GET",   "/me/tokens",                                  "LPPPPPPPPP"),
    ("POST",  "/me/tokens",                                  "LPPPPPPPPP"),
    ("DELETE", "/me/tokens/{id}",                             "LPPPPPPPPP"),
    ("POST",  "/patrols",                                    "LFFPFFFFFF"),
    ("GET",   "/patrols/{id}",                               "LPPPPPPPPP"),
    ("POST",  "/patrols/{id}/end",                           "LFFPFFFFFF"),
    ("POST",  "/patrols/{id}/points",                        "LFFPFFFFFF"),
    ("DELETE", "/registrations/{id}",                         "LPPPPPPPPP"),
    ("GET",   "/search",                                     "PPPPPPPPPP"),
    ("GET",   "/services",                                   "PPPPPPPPPP"),
    ("POST",  "/services",                                   "LPPPPPPPPP"),
    ("GET",   "/services/{id}/slots",                        "PPPPPPPPPP"),
    ("POST",  "/services/{id}/slots",                        "LPPPPPPPPP"),
    ("PATCH", "/sessions/{id}",                              "LPPPPPPPPP"),
    ("POST",  "/sessions/{id}/registrations",                "LPPPPPPPPP"),
    ("PATCH", "/slots/{id}",                                 "LPPPPPPPPP"),
    ("POST",  "/slots/{id}/bookings",                        "LPPPPPPPPP"),
    ("POST",  "/slots/{id}/draw",                            "LPPPPPPPPP"),
    ("POST",  "/slots/{id}/group-bookings",                  "LPPPPPPPPP"),
    ("GET",   "/streets",                                    "PPPPPPPPPP"),
    ("GET",   "/streets/{id}",                               "PPPPPPPPPP"),
    ("GET",   "/topics",                                     "PPPPPPPPPP"),
    ("POST",  "/topics",                                     "LFFFFFFPPP"),
    ("GET",   "/topics/{id}",                                "PPPPPPPPPP"),
    ("PATCH", "/topics/{id}",                                "LFFFFFFPPP"),
    ("GET",   "/venues",                                     "PPPPPPPPPP"),
    ("GET",   "/venues/{id}",                                "PPPPPPPPPP"),
    ("GET",   "/work-calendar",                              "LPPPPPPPPP"),
    ("PUT",   "/work-calendar",                              "LPPPPPPPPP"),
    ("DELETE", "/work-calendar/days/{day}",                   "LFFFFFFFFP"),
    ("PUT",   "/work-calendar/days/{day}",                   "LPPPPPPPPP"),
];

/// A route probed last for each role: it ends the session it is asked on.
const ENDS_SESSION: &[(&str, &str)] = &[("POST", "/logout")];

/// The path with every `{parameter}` naming nothing.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e + 1);
        let name = &rest[start + 1..end - 1];
        out.push_str(match name {
            "file" => "999999.ics",
            "name" => "none.css",
            _ => "999999",
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The site paths the source gives `.route(…)` (string literals; the reveal forms' paths are
/// built from their subjects and named in the table).
fn routed_paths() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (at, _) in text.match_indices(".route(") {
                    let rest = text[at + ".route(".len()..].trim_start();
                    if let Some(literal) = rest.strip_prefix('"') {
                        out.insert(literal.split('"').next().unwrap_or_default().to_owned());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    // The API's own document and the metrics listener's page are not site routes.
    out.remove("/openapi.json");
    out
}

/// A browser signed in as someone (or nobody), with the CSRF token its forms carry.
struct Browser {
    app_url: String,
    http: reqwest::Client,
    csrf: String,
}

impl Browser {
    async fn new(app: &TestApp, phone: Option<&str>) -> Self {
        let mut b = Browser { app_url: app.at(""), http: app.other_browser(), csrf: String::new() };
        b.refresh_csrf().await;
        if let Some(phone) = phone {
            let r = b.send("POST", "/login", &[("phone", phone), ("password", PASSWORD)]).await;
            assert_eq!(r.status(), 303, "login of {phone}");
            b.refresh_csrf().await;
        }
        b
    }

    async fn refresh_csrf(&mut self) {
        let page = self.http.get(format!("{}/login", self.app_url)).send().await.unwrap().text().await.unwrap();
        self.csrf = csrf_in(&page);
    }

    async fn send(&self, method: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let url = format!("{}{path}", self.app_url);
        let request = match method {
            "GET" => self.http.get(url),
            other => {
                let mut form = vec![("_csrf", self.csrf.as_str())];
                form.extend_from_slice(fields);
                self.http.request(other.parse().unwrap(), url).form(&form)
            }
        };
        request.send().await.unwrap()
    }

    /// The letter of the answer to `method path`.
    async fn letter(&self, method: &str, path: &str) -> char {
        let r = self.send(method, &concrete(path), &[]).await;
        let to_login =
            r.headers().get("location").and_then(|l| l.to_str().ok()).is_some_and(|l| l.starts_with("/login"));
        match r.status().as_u16() {
            401 => 'L',
            s if (300..400).contains(&s) && to_login && path != "/logout" => 'L',
            403 => 'F',
            _ => 'P',
        }
    }
}

/// The API's letter of the answer to `method path`, with `token` or none.
async fn api_letter(app: &TestApp, token: Option<&str>, method: &str, path: &str) -> char {
    let mut request =
        reqwest::Client::new().request(method.parse().unwrap(), app.at(&format!("/api/v1{}", concrete(path))));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if matches!(method, "POST" | "PUT" | "PATCH") {
        request = request.json(&json!({}));
    }
    match request.send().await.unwrap().status().as_u16() {
        401 => 'L',
        403 => 'F',
        _ => 'P',
    }
}

/// The people of [`ROLES`] (after "anonymous"), by phone number.
async fn cast(w: &World) -> Vec<Option<(String, Api)>> {
    let people = [
        Person::new("13800000101", "居民"),
        Person::new("13800000102", "企业").grant(Role::Enterprise, At::District),
        Person::new("13800000103", "网格员").inspector_of(XIANGGANG_ZHONGLU),
        Person::new("13800000104", "处置人员").handler_of(ENFORCEMENT),
        Person::new("13800000105", "调度员").dispatcher(),
        Person::new("13800000106", "组织者").grant(Role::Organizer, At::District),
        Person::new("13800000107", "编辑").grant(Role::Editor, At::District),
        Person::new("13800000108", "街道管理员").street_admin_of(XIANGGANG_ZHONGLU),
        Person::new("13800000109", "区管理员").district_admin(),
    ];
    let mut out = vec![None];
    for person in people {
        let phone = format!("13800000{}", 101 + out.len() - 1);
        out.push(Some((phone, w.client(person).await)));
    }
    out
}

/// Rows as the table spells them, for the failure message: what to paste for a new route.
fn spelled(rows: &[(String, String, String)]) -> String {
    rows.iter().map(|(m, p, l)| format!("    ({m:?}, {p:?}, {l:?}),\n")).collect()
}

fn compare(what: &str, table: &[(&str, &str, &str)], observed: &[(String, String, String)]) {
    let expected: Vec<(String, String, String)> =
        table.iter().map(|(m, p, l)| ((*m).to_owned(), (*p).to_owned(), (*l).to_owned())).collect();
    let differ: Vec<_> = observed.iter().filter(|row| !expected.contains(row)).cloned().collect();
    assert!(
        differ.is_empty(),
        "{what}: these routes answer otherwise than their rows say, or have none ({ROLES:?}):\n{}",
        spelled(&differ)
    );
}

#[tokio::test]
async fn every_api_operation_answers_each_role_as_its_row_says() {
    let w = World::district().await;
    let people = cast(&w).await;
    let doc: Value = w.app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push((method.to_uppercase(), path.clone()));
        }
    }
    let named: BTreeSet<(String, String)> = API.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    let documented: BTreeSet<(String, String)> = operations.iter().cloned().collect();
    let gone: Vec<_> = named.difference(&documented).collect();
    assert!(gone.is_empty(), "rows for operations the document does not list: {gone:?}");
    let mut observed = Vec::new();
    for (method, path) in operations {
        let mut letters = String::new();
        for person in &people {
            let token = person.as_ref().map(|(_, api)| api.token());
            letters.push(api_letter(&w.app, token, &method, &path).await);
        }
        observed.push((method, path, letters));
    }
    compare("API", API, &observed);
}

#[tokio::test]
async fn every_site_route_answers_each_role_as_its_row_says() {
    let w = World::district().await;
    let people = cast(&w).await;
    let named: BTreeSet<String> = SITE.iter().map(|(_, p, _)| (*p).to_owned()).collect();
    let unnamed: Vec<_> = routed_paths().into_iter().filter(|p| !named.contains(p)).collect();
    assert!(unnamed.is_empty(), "site routes without a row: {unnamed:?}");
    let mut routes: Vec<(&str, &str)> = SITE.iter().map(|(m, p, _)| (*m, *p)).collect();
    // Session-ending routes last, so every other route is asked of a signed-in browser.
    routes.sort_by_key(|r| ENDS_SESSION.contains(r));
    let mut letters = vec![String::new(); routes.len()];
    for person in &people {
        let browser = Browser::new(&w.app, person.as_ref().map(|(phone, _)| phone.as_str())).await;
        for (i, (method, path)) in routes.iter().enumerate() {
            letters[i].push(browser.letter(method, path).await);
        }
    }
    let observed: Vec<(String, String, String)> =
        routes.iter().zip(letters).map(|((m, p), l)| ((*m).to_owned(), (*p).to_owned(), l)).collect();
    compare("site", SITE, &observed);
}
