//! The `ejia` binary: parse the command line and hand over to [`ejia::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    ejia::cli::main()
}
