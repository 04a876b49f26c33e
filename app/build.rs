// `sqlx::migrate!` embeds the files of `migrations/` at compile time, but cargo does not know
// the crate reads that folder: without this, an incremental build leaves a new migration out
// (found when a benchmark ran a build without the migration just added).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
