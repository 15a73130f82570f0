/// mimalloc instead of the system allocator: glibc's per-thread arenas kept
/// about 90 MiB resident under load (for the echo baseline as much as for
/// scorecard), and an answer costs some 150 allocations, each cheaper here
/// (see BENCHMARKS.md, the cost of a call by component).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scorecard::cli::run()
}
