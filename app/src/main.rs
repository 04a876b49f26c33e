//! The `ejia` binary: parse the command line and hand over to [`ejia::cli`].

use std::process::ExitCode;

// mimalloc: request handling allocates many small, short-lived buffers; glibc's allocator
// showed up at ~12% of CPU in the booking benchmark.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ejia::cli::main()
}
