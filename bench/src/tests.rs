//! The load generator's own checks: it counts what it sends and what comes
//! back, and a run with errors fails unless told otherwise. No timing is
//! asserted; phases are short and only counts are checked.

use super::*;

fn quick(scenarios: Vec<Scenario>) -> BenchArgs {
    BenchArgs {
        spawn: Spawn::InProcess,
        scenarios,
        connections: 1,
        concurrency: 2,
        window: 4,
        batch: 250,
        records_per_call: 1000,
        duration: Duration::from_millis(300),
        warmup: Duration::ZERO,
        rounds: 1,
        ..BenchArgs::default()
    }
}

fn all() -> Vec<Scenario> {
    vec![Scenario::Unary, Scenario::Stream, Scenario::Push]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn it_counts_what_it_sends_and_what_comes_back() {
    let args = quick(all());
    let report = measure(&args).await.expect("the run completes");
    assert_eq!(report.scenarios.len(), 3);
    assert_eq!(report.total_errors(), 0);
    for (scenario, rounds) in &report.scenarios {
        assert_eq!(rounds.len(), 1);
        for r in [&rounds[0].target, &rounds[0].baseline] {
            assert!(r.received > 0, "{scenario:?}: nothing came back: {r:?}");
            assert_eq!(r.errors, 0, "{scenario:?}: {:?}", r.first_error);
            assert_eq!(
                r.sent, r.received,
                "{scenario:?}: every unit sent is answered"
            );
            assert!(r.calls > 0);
            match scenario {
                // One call per review, one latency per call.
                Scenario::Unary => {
                    assert_eq!(r.calls, r.sent);
                    assert_eq!(r.latencies_us.len() as u64, r.sent);
                }
                // One latency per review, over one stream per task.
                Scenario::Stream => {
                    assert_eq!(r.calls, 2);
                    assert_eq!(r.latencies_us.len() as u64, r.received);
                }
                // Whole calls of 1000 records, each counted back by the server.
                Scenario::Push => {
                    assert_eq!(r.sent, r.calls * 1000);
                    assert_eq!(r.latencies_us.len() as u64, r.calls);
                }
            }
        }
    }
    // The baseline's answers are the size of scorecard's.
    let answers = Workload::new(&args).expect("workload").baseline_answers();
    assert!(answers.review_len().abs_diff(report.review_answer_len) <= 1);
    assert!(answers.push_len().abs_diff(report.push_answer_len) <= 1);
    assert!(
        report.review_answer_len > 1000,
        "{}",
        report.review_answer_len
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_push_answer_counts_the_records_the_server_received() {
    // Against scorecard itself, the answer's accepted + rejected counts
    // must equal the records sent: 1000 per call, none lost.
    let work = Workload::new(&quick(vec![Scenario::Push])).expect("workload");
    assert_eq!(work.push_records, 1000);
    assert_eq!(
        work.push_messages.len(),
        1 + 4,
        "options + 4 batches of 250"
    );
}

async fn failing_server() -> baseline::Running {
    let answers = baseline::Answers::sized("r", 200, 100).failing();
    baseline::start("127.0.0.1:0".parse().expect("addr"), answers)
        .await
        .expect("the failing server starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_counted_per_unit_sent() {
    let server = failing_server().await;
    let mut args = quick(all());
    args.server = Some(format!("http://{}", server.addr));
    let report = measure(&args).await.expect("the run completes");
    assert!(report.total_errors() > 0);
    for (scenario, rounds) in &report.scenarios {
        let t = &rounds[0].target;
        assert!(t.sent > 0, "{scenario:?}");
        assert_eq!(t.received, 0, "{scenario:?}: nothing good came back");
        assert_eq!(t.errors, t.sent, "{scenario:?}: every unit sent failed");
        assert!(t.first_error.is_some());
        // The baseline the tool started itself is healthy.
        assert_eq!(rounds[0].baseline.errors, 0);
    }
    assert!(
        report.target_memory.is_none(),
        "external server: not measured"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_with_errors_fails_unless_allowed() {
    let server = failing_server().await;
    let mut args = quick(vec![Scenario::Unary]);
    args.server = Some(format!("http://{}", server.addr));
    let failed = run(args.clone()).await.expect("the run completes");
    assert_eq!(failed, ExitCode::FAILURE);
    args.allow_errors = true;
    let allowed = run(args).await.expect("the run completes");
    assert_eq!(allowed, ExitCode::SUCCESS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_run_succeeds() {
    let code = run(quick(vec![Scenario::Unary]))
        .await
        .expect("the run completes");
    assert_eq!(code, ExitCode::SUCCESS);
}

#[tokio::test]
async fn only_loopback_servers_are_driven() {
    let mut args = quick(vec![Scenario::Unary]);
    args.server = Some("http://10.1.2.3:50051".into());
    let err = measure(&args).await.expect_err("refused");
    assert!(err.to_string().contains("loopback"), "{err}");
}

#[test]
fn percentiles_use_the_nearest_rank() {
    let r = PhaseResult {
        latencies_us: (1..=100).collect(),
        ..PhaseResult::default()
    };
    assert_eq!(r.latency(50.0), Duration::from_micros(50));
    assert_eq!(r.latency(99.0), Duration::from_micros(99));
    assert_eq!(r.latency(100.0), Duration::from_micros(100));
    assert_eq!(PhaseResult::default().latency(99.0), Duration::ZERO);
}

#[test]
fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
    assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    assert_eq!(median(Vec::new()), 0.0);
}
