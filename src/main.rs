fn main() -> std::process::ExitCode {
    scorecard::cli::run()
}
