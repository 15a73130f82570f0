//! The `scorecard` command line: the table it prints, its JSON, its exit
//! codes, in process and against a server. Numbers are docs/scoring.md
//! section 8's, worked by hand there.

use crate::common::*;
use scorecard::api::json;
use scorecard_core::rubric::{self, builtin_rubric};
use std::process::{Command, Output};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/worked-example.json");

fn scorecard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(args)
        .env_remove("SCORECARD_SERVER")
        .env_remove("SCORECARD_RUBRICS")
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

/// The whitespace-separated cells of the first line starting with `name`.
fn cells(text: &str, name: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_else(|| panic!("no line for {name} in\n{text}"));
    line[line.find(name).unwrap() + name.len()..]
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn score_prints_each_raters_line_subtotals_and_totals_in_process() {
    let out = scorecard(&["score", EXAMPLE]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    // Self 150 min: 30 over, 2 steps, 2.00 off; supervisor 131: 0.73 off.
    assert_eq!(
        cells(&text, "Complex-issue handling time"),
        ["150", "2.00", "18.00", "131", "0.73", "19.27"]
    );
    assert_eq!(
        cells(&text, "Customer satisfaction subtotal"),
        ["92.85", "/", "100.00", "87.15", "/", "100.00"]
    );
    assert_eq!(cells(&text, "rater total"), ["89.79", "86.70"]);
    assert!(text.contains("final score 87.63   bonus coefficient 0.8763"));
}

#[test]
fn score_speaks_the_chosen_locale_and_aligns_chinese_by_width() {
    let out = scorecard(&["score", EXAMPLE, "--locale", "zh-CN"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("\n客户满意度 (40%)\n"), "{text}");
    assert_eq!(
        cells(&text, "客户满意度小计"),
        ["92.85", "/", "100.00", "87.15", "/", "100.00"]
    );
    assert_eq!(cells(&text, "评分合计"), ["89.79", "86.70"]);
    // The number columns line up whatever the name's script: the
    // complaint line (Chinese name) ends in the same column as the header.
    let width = |prefix: &str| {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap();
        unicode_width::UnicodeWidthStr::width(line)
    };
    assert_eq!(width("客户投诉解决率"), width("指标"));
}

#[test]
fn long_names_wrap_instead_of_being_cut() {
    let dir = tempfile::tempdir().unwrap();
    let rubrics = dir.path().join("rubrics");
    std::fs::create_dir(&rubrics).unwrap();
    let mut spec = rubric::to_spec(builtin_rubric());
    spec.id = "long-names".into();
    let long =
        "Share of escalated complaints closed within the agreed window of three working days";
    spec.dimensions[0].indicators[1]
        .names
        .insert("en".into(), long.into());
    std::fs::write(
        rubrics.join("long.json"),
        serde_json::to_string(&spec).unwrap(),
    )
    .unwrap();
    let mut request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(EXAMPLE).unwrap()).unwrap();
    request["rubric_ref"] = serde_json::json!({ "id": "long-names" });
    let file = dir.path().join("review.json");
    std::fs::write(&file, request.to_string()).unwrap();

    let rubrics = rubrics.to_str().unwrap();
    let out = scorecard(&["score", file.to_str().unwrap(), "--rubrics", rubrics]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    // Every word is printed, the numbers stay on the name's first line.
    let printed: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("Share of"))
        .take(3)
        .flat_map(str::split_whitespace)
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    assert_eq!(printed.join(" "), long);
    let first = text.lines().find(|l| l.contains("Share of")).unwrap();
    assert!(
        first.ends_with("93.5    0.75   19.25     93.5    0.75   19.25"),
        "{first}"
    );
}

#[tokio::test]
async fn json_is_the_rpcs_proto3_json_with_or_without_a_server() {
    let server = TestServer::start().await;
    let answer = server
        .scoring()
        .await
        .score_review(worked_example())
        .await
        .expect("scored")
        .into_inner();
    let expected = json::to_json("scorecard.v1.ScoreReviewResponse", &answer).unwrap();
    let url = server.url();
    let (offline, online) = tokio::task::spawn_blocking(move || {
        (
            scorecard(&["score", EXAMPLE, "--json"]),
            scorecard(&["score", EXAMPLE, "--json", "--server", &url]),
        )
    })
    .await
    .unwrap();
    assert_eq!(stdout(&offline).trim_end(), expected);
    assert_eq!(stdout(&online).trim_end(), expected);
    // Complete: every indicator line of both raters, with its steps.
    let value: serde_json::Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(
        value["supervisor_assessment"]["indicators"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    assert_eq!(value["final_score"], "87.63");
}

#[test]
fn exit_codes_tell_an_invalid_request_from_a_failure() {
    // 3: the request is wrong, and the field is named.
    let out = scorecard(&["score", EXAMPLE, "--locale", "fr"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("locale: \"fr\" is not supported"));
    // 3: a rubric file that does not validate.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"id": "x", "version": 1, "dimensions": []}"#).unwrap();
    assert_eq!(
        scorecard(&["rubric", "check", bad.to_str().unwrap()])
            .status
            .code(),
        Some(3)
    );
    // 1: nothing to read, or no server to reach.
    assert_eq!(
        scorecard(&["score", "/nonexistent.json"]).status.code(),
        Some(1)
    );
    let out = scorecard(&["score", EXAMPLE, "--server", "http://127.0.0.1:9"]);
    assert_eq!(out.status.code(), Some(1));
    // 2: a usage error (clap's).
    assert_eq!(scorecard(&["score"]).status.code(), Some(2));

    // The same codes from every command: a rubric file that is not there
    // is 1, not 3; an unknown rubric is NOT_FOUND, 3, as for `score`; a
    // flag's value that is not a time is a usage error, 2.
    let out = scorecard(&["rubric", "check", "/nonexistent.json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = scorecard(&["rubric", "show", "nope"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rubric with id \"nope\""));
    let out = scorecard(&[
        "tickets",
        "push",
        "examples/tickets.csv",
        "--period-start",
        "bad",
        "--period-end",
        "2026-10-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"bad\" is not an RFC 3339 time"));
}

/// `rubric show` with no id prints the built-in rubric, as a request that
/// names none is scored against it, even with a later version of its id
/// loaded from a directory.
#[test]
fn rubric_show_without_an_id_is_the_built_in_rubric() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/core/rubrics/telecom-support-manager.v1.json"
    ))
    .unwrap();
    let later = source.replacen("\"version\": 1", "\"version\": 2", 1);
    assert_ne!(later, source);
    std::fs::write(dir.path().join("later.json"), later).unwrap();
    let rubrics = dir.path().to_str().unwrap();
    let out = scorecard(&["rubric", "show", "--rubrics", rubrics]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("# telecom-support-manager version 1 "),
        "{out:?}"
    );
    let out = scorecard(&[
        "rubric",
        "show",
        "telecom-support-manager",
        "--rubrics",
        rubrics,
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("# telecom-support-manager version 2 "),
        "{out:?}"
    );
}

/// A reader that stops early (`| head -1`) ends a command's output
/// quietly: no panic, no "Broken pipe" message.
#[test]
fn a_closed_standard_output_ends_the_output_quietly() {
    let rubric = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/core/rubrics/telecom-support-manager.v1.json"
    );
    for args in [&["rubric", "check", rubric][..], &["rubric", "show"][..]] {
        // The reading end closed before the command starts.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_scorecard"))
            .args(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// Output that cannot be written (a full disk) is a failure of the
/// command, exit code 1, with the reason; it is not lost silently.
#[test]
fn an_unwritable_standard_output_fails_the_command() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not a Linux machine
    };
    let out = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["rubric", "show"])
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
}

#[test]
fn every_subcommands_help_shows_an_example() {
    for command in ["serve", "score", "rubric", "tickets", "health", "token"] {
        let out = scorecard(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command}");
        let text = stdout(&out);
        let example = text
            .split_once("Example")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("no example in `{command} --help`:\n{text}"));
        assert!(example.contains("scorecard "), "{command}: {example}");
    }
}

const TICKETS_CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tickets.csv");
const Q3: [&str; 4] = [
    "--period-start",
    "2026-07-01T00:00:00Z",
    "--period-end",
    "2026-10-01T00:00:00Z",
];

#[tokio::test]
async fn tickets_push_json_is_the_rpcs_answer_with_the_percentiles() {
    let server = TestServer::start().await;
    // The same export pushed by a tonic client: its rows as the CLI reads
    // them, in one batch, with the CLI's options.
    let rows = scorecard::cli::read_csv(&std::fs::read(TICKETS_CSV).unwrap()).unwrap();
    let mut options = q3_options();
    options.period_label = String::new();
    let answer = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![
            options_message(options),
            scorecard::api::pb::PushResponseTimesRequest {
                payload: Some(
                    scorecard::api::pb::push_response_times_request::Payload::Batch(
                        scorecard::api::pb::TicketBatch {
                            records: rows.records,
                        },
                    ),
                ),
            },
        ]))
        .await
        .expect("pushed")
        .into_inner();
    let expected = json::to_json("scorecard.v1.PushResponseTimesResponse", &answer).unwrap();
    let url = server.url();
    let out = tokio::task::spawn_blocking(move || {
        let mut args = vec!["tickets", "push", TICKETS_CSV, "--json", "--server", &url];
        args.extend(Q3);
        scorecard(&args)
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Equal as JSON values: the keys of a proto map come in no set order.
    let printed: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        printed,
        serde_json::from_str::<serde_json::Value>(&expected).unwrap()
    );
    // The percentiles are in it: e1024's eight first responses sorted are
    // 1, 3, 5, 9, 12, 14.98, 15, 40 minutes; nearest rank p50 is the 4th
    // (9), p90 and p99 the 8th (40).
    let value: serde_json::Value = serde_json::from_str(&expected).unwrap();
    let e1024 = value["employees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["employee_id"] == "e1024")
        .unwrap();
    assert_eq!(e1024["first_response_minutes"]["p50"], "9.00");
    assert_eq!(e1024["first_response_minutes"]["p90"], "40.00");
    assert_eq!(e1024["first_response_minutes"]["p99"], "40.00");
    assert_eq!(e1024["first_response_minutes"]["max"], "40.00");
    assert_eq!(
        e1024["submission"]["values"]["first_response_sla_rate"],
        87.5
    );
    // The uint64 counts are proto3 JSON strings.
    assert_eq!(value["accepted_record_count"], "10");
}

#[test]
fn tickets_push_exits_4_when_records_were_rejected_unless_accepted() {
    let server = ChildServer::start(&[]);
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let push = |csv: &str, extra: &[&str]| {
        let file = dir.path().join("export.csv");
        std::fs::write(&file, csv).unwrap();
        let mut args = vec!["tickets", "push", file.to_str().unwrap(), "--server", &url];
        args.extend(Q3);
        args.extend(extra);
        scorecard(&args)
    };
    let header = "ticket_id,employee_id,created_time,first_response_time\n";
    let clean = format!("{header}T-1,e1,2026-07-01T01:00:00Z,2026-07-01T01:05:00Z\n");
    // T-1 twice: the server rejects the second.
    let duplicate = format!("{clean}T-1,e1,2026-07-01T02:00:00Z,2026-07-01T02:05:00Z\n");
    // A row this side cannot read is not used either.
    let unreadable = format!("{clean}T-2,e1,yesterday,\n");
    assert_eq!(push(&clean, &[]).status.code(), Some(0));
    for csv in [&duplicate, &unreadable] {
        let out = push(csv, &[]);
        assert_eq!(out.status.code(), Some(4), "{}", stdout(&out));
        assert!(stdout(&out).contains("rejected rows:"), "{}", stdout(&out));
        let out = push(csv, &["--accept-rejects"]);
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        assert!(stdout(&out).contains("rejected rows:"), "{}", stdout(&out));
        // With --json too; the rows then go to standard error.
        assert_eq!(push(csv, &["--json"]).status.code(), Some(4));
    }
    // Refused options: 3, the field named.
    let out = push(&clean, &["--as-of", "2026-06-01T00:00:00Z"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("options.as_of_time"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A push survives what an export may hold: a row with a 100 KB ticket id
/// is not sent (a message holding it would be refused whole) and the rows
/// around it count; a thousand rows of 1,100-byte ids travel in batches
/// the server takes, each rejected for its id; bytes that are not UTF-8 in
/// a column the push does not read are left alone.
#[test]
fn tickets_push_sends_what_it_can_of_a_hostile_export() {
    let server = ChildServer::start(&[]);
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let push = |csv: &[u8]| {
        let file = dir.path().join("export.csv");
        std::fs::write(&file, csv).unwrap();
        let mut args = vec!["tickets", "push", file.to_str().unwrap(), "--server", &url];
        args.extend(Q3);
        scorecard(&args)
    };
    let row = |id: &str| format!("{id},e1,2026-07-01T01:00:00Z,2026-07-01T01:05:00Z\n");
    let header = "ticket_id,employee_id,created_time,first_response_time\n";

    let huge = format!(
        "{header}{}{}{}",
        row("T-1"),
        row(&"x".repeat(100_000)),
        row("T-3")
    );
    let out = push(huge.as_bytes());
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("records: 2 accepted"), "{text}");
    assert!(text.contains("1 not sent"), "{text}");
    assert!(
        text.contains("row 3 not sent: the record takes 100024 bytes"),
        "{text}"
    );

    let long: String = (0..1000)
        .map(|i| row(&format!("{i:04}{}", "y".repeat(1096))))
        .collect();
    let out = push(format!("{header}{long}").as_bytes());
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains(
            "records: 0 accepted (0 outside the period), 1000 rejected by the server, 0 not sent"
        ),
        "{text}"
    );

    let mut latin1 = b"ticket_id,employee_id,created_time,first_response_time,notes\n".to_vec();
    latin1.extend_from_slice(b"T-1,e1,2026-07-01T01:00:00Z,2026-07-01T01:05:00Z,caf\xe9\n");
    let out = push(&latin1);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn tickets_push_gives_the_worked_example_of_version_2() {
    let server = ChildServer::start(&[]);
    let url = server.url();
    let root = env!("CARGO_MANIFEST_DIR");
    let csv = format!("{root}/examples/tickets-history.csv");
    let calendars = format!("{root}/examples/calendars.json");
    let out = scorecard(&[
        "tickets",
        "push",
        &csv,
        "--server",
        &url,
        "--calendars",
        &calendars,
        "--limit",
        "P2=60",
        "--resolution-limit",
        "P2=480",
        "--period-start",
        "2026-07-01T00:00:00+08:00",
        "--period-end",
        "2026-08-01T00:00:00+08:00",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let e = &value["employees"][0];
    let rate = |id: &str| {
        let r = e["rates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator_id"] == id)
            .unwrap_or_else(|| panic!("no {id}"));
        (
            r["numerator_count"].as_str().unwrap_or("0").to_string(),
            r["denominator_count"].as_str().unwrap_or("0").to_string(),
        )
    };
    // docs/tickets.md, worked example: 1 of 2, 3 of 3, 1 of 3, mean 275.
    assert_eq!(rate("first_response_sla_rate"), ("1".into(), "2".into()));
    assert_eq!(rate("resolution_sla_rate"), ("3".into(), "3".into()));
    assert_eq!(rate("reopen_rate"), ("1".into(), "3".into()));
    assert_eq!(
        e["submission"]["values"]["complex_issue_avg_handle_minutes"],
        275.0
    );
    assert_eq!(e["first_contact_flag_overridden_count"], "1");
    assert_eq!(e["solved_without_response_count"], "1");
}
