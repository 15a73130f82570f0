/// mimalloc instead of the system allocator: an answer is a few hundred
/// small strings, and glibc's malloc spent more instructions allocating and
/// freeing them than scoring the review (BENCHMARKS.md, "Where the time
/// goes").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scorecard::cli::run()
}
