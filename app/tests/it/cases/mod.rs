//! City cases: the case core over the API and the pages, who may see what, photos, duplicates,
//! anonymous reporters, and the features built on the core (hotline, patrol, settings, statistics).

mod access_matrix;
mod api;
mod caller_reveal;
mod dispatch_page;
mod duplicate_pages;
mod english_names;
mod filing_crowd;
mod pages;
mod patrol_pages;
mod photos;
mod report_menu;
mod reporter_reveal;
mod settings_pages;
mod stats;
