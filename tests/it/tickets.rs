//! TicketStatsService end to end, and its submissions fed to ScoreReview.

use crate::common::*;
use scorecard::api::pb;
use tonic::Code;

fn ts(text: &str) -> Option<prost_types::Timestamp> {
    let t: jiff::Timestamp = text.parse().unwrap();
    Some(prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: 0,
    })
}

fn at(base: &str, minutes: i64) -> Option<prost_types::Timestamp> {
    let t: jiff::Timestamp = base.parse().unwrap();
    let t = t + jiff::SignedDuration::from_mins(minutes);
    Some(prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: 0,
    })
}

/// One batch of records as a push stream message.
pub(crate) fn batch(records: Vec<pb::TicketRecord>) -> pb::PushResponseTimesRequest {
    pb::PushResponseTimesRequest {
        payload: Some(pb::push_response_times_request::Payload::Batch(
            pb::TicketBatch { records },
        )),
    }
}

/// e1: 40 tickets, 37 answered in 10 minutes and 3 in 20 (over the 15-minute
/// limit); 4 complaints, 3 of them resolved. e2: 10 tickets, all answered in
/// 5 minutes, no complaints.
fn generated_export() -> Vec<pb::TicketRecord> {
    let mut records = Vec::new();
    for i in 0..40 {
        let created = 60 * (i + 1);
        let late = matches!(i, 0 | 13 | 26); // three late answers
        let complaint = i < 4;
        records.push(pb::TicketRecord {
            ticket_id: format!("T-{i}"),
            employee_id: "e1".into(),
            created_time: at("2026-07-01T00:00:00Z", created),
            first_response_time: at("2026-07-01T00:00:00Z", created + if late { 20 } else { 10 }),
            resolved_time: if complaint && i == 3 {
                None
            } else {
                at("2026-07-01T00:00:00Z", created + 90)
            },
            complaint,
            ..Default::default()
        });
    }
    for i in 0..10 {
        records.push(pb::TicketRecord {
            ticket_id: format!("U-{i}"),
            employee_id: "e2".into(),
            created_time: at("2026-08-03T02:00:00Z", 30 * i),
            first_response_time: at("2026-08-03T02:00:00Z", 30 * i + 5),
            ..Default::default()
        });
    }
    records
}

#[tokio::test]
async fn pushed_tickets_become_a_submission_that_scores_as_worked_by_hand() {
    let server = TestServer::start().await;
    let records = generated_export();
    // Three messages: options, then the records in two batches.
    let (a, b) = records.split_at(23);
    let stream = tokio_stream::iter(vec![
        options_message(q3_options()),
        batch(a.to_vec()),
        batch(b.to_vec()),
    ]);
    let answer = server
        .tickets()
        .await
        .push_response_times(stream)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (answer.accepted_record_count, answer.rejected_record_count),
        (50, 0)
    );
    assert_eq!(answer.employees.len(), 2);

    let e1 = &answer.employees[0];
    assert_eq!(e1.employee_id, "e1");
    assert_eq!(
        (
            e1.ticket_count,
            e1.responded_count,
            e1.breach_count,
            e1.pending_count
        ),
        (40, 40, 3, 0)
    );
    let submission = e1.submission.clone().unwrap();
    assert_eq!(submission.source, "ticketing");
    // 37 of 40 within the limit = 92.5 %; 3 of 4 complaints resolved = 75 %.
    assert_eq!(submission.values["first_response_sla_rate"], 92.5);
    assert_eq!(submission.values["complaint_resolution_rate"], 75.0);
    // 37 tickets at 10 minutes, 3 at 20: p50 = p90 = 10, p99 = max = 20.
    let p = e1.first_response_minutes.clone().unwrap();
    assert_eq!(
        (
            p.p50.as_str(),
            p.p90.as_str(),
            p.p99.as_str(),
            p.max.as_str()
        ),
        ("10.00", "10.00", "20.00", "20.00")
    );

    let e2 = &answer.employees[1];
    assert_eq!(
        e2.submission.as_ref().unwrap().values["first_response_sla_rate"],
        100.0
    );
    let absent: Vec<&str> = e2
        .absent_metrics
        .iter()
        .map(|a| a.indicator_id.as_str())
        .collect();
    assert!(absent.contains(&"complaint_resolution_rate"));
    assert!(
        e2.absent_metrics
            .iter()
            .any(|a| a.reason == "no complaint tickets in the period")
    );

    // The submission goes into a review as it is; both raters drop their own
    // first-response entry, so the ticketing value counts for both.
    let mut review = worked_example();
    review.employee.as_mut().unwrap().id = "e1".into();
    let mut sub = submission;
    sub.values.retain(|k, _| k == "first_response_sla_rate");
    review.submissions = vec![sub];
    for a in [
        &mut review.self_assessment,
        &mut review.supervisor_assessment,
    ] {
        a.as_mut()
            .unwrap()
            .entries
            .retain(|e| e.indicator_id != "first_response_sla_rate");
    }
    let scored = server
        .scoring()
        .await
        .score_review(review)
        .await
        .unwrap()
        .into_inner();
    let own = scored.self_assessment.unwrap();
    let fr = own
        .indicators
        .iter()
        .find(|i| i.indicator_id == "first_response_sla_rate")
        .unwrap();
    // 98 − 92.5 = 5.5 short × 0.5 = 2.75 off → 17.25 of 20.
    assert_eq!(
        (fr.deduction.as_str(), fr.points.as_str()),
        ("2.75", "17.25")
    );
    assert_eq!(fr.input_kind, pb::InputKind::SubmissionValue as i32);
    assert_eq!(fr.source, "ticketing");
    // Self customer satisfaction: 92.85 − 19.60 + 17.25 = 90.50.
    assert_eq!(own.dimensions[0].score, "90.50");
}

#[tokio::test]
async fn a_calendar_counts_business_minutes_only() {
    let server = TestServer::start().await;
    let mut options = q3_options();
    let weekdays = [
        pb::Weekday::Monday,
        pb::Weekday::Tuesday,
        pb::Weekday::Wednesday,
        pb::Weekday::Thursday,
        pb::Weekday::Friday,
    ];
    options.calendar = Some(pb::BusinessCalendar {
        time_zone: "Asia/Shanghai".into(),
        working_hours: weekdays
            .iter()
            .map(|d| pb::WorkingHours {
                weekday: *d as i32,
                start_time: "09:00".into(),
                end_time: "18:00".into(),
            })
            .collect(),
        ..Default::default()
    });
    // Friday 2026-07-03 17:55 in Shanghai (09:55Z) answered Monday 09:05
    // (01:05Z): 5 minutes on Friday + 5 on Monday = 10 business minutes.
    let record = pb::TicketRecord {
        ticket_id: "weekend".into(),
        employee_id: "e1".into(),
        created_time: ts("2026-07-03T09:55:00Z"),
        first_response_time: ts("2026-07-06T01:05:00Z"),
        ..Default::default()
    };
    let answer = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![
            options_message(options),
            batch(vec![record.clone()]),
        ]))
        .await
        .unwrap()
        .into_inner();
    let e1 = &answer.employees[0];
    assert_eq!(e1.first_response_minutes.as_ref().unwrap().max, "10.00");
    assert_eq!(
        e1.submission.as_ref().unwrap().values["first_response_sla_rate"],
        100.0
    );

    // Without the calendar the same ticket waited 2 days 15 hours 10 minutes.
    let answer = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![
            options_message(q3_options()),
            batch(vec![record]),
        ]))
        .await
        .unwrap()
        .into_inner();
    let e1 = &answer.employees[0];
    assert_eq!(e1.first_response_minutes.as_ref().unwrap().max, "3790.00");
    assert_eq!(e1.breach_count, 1);
    assert_eq!(
        e1.submission.as_ref().unwrap().values["first_response_sla_rate"],
        0.0
    );
}

#[tokio::test]
async fn bad_records_are_rejected_with_their_reason_and_the_rest_counts() {
    let server = TestServer::start().await;
    let mut records = generated_export();
    records.insert(
        5,
        pb::TicketRecord {
            ticket_id: "T-1".into(),
            employee_id: "e1".into(),
            created_time: at("2026-07-02T00:00:00Z", 0),
            ..Default::default()
        },
    );
    records.insert(
        9,
        pb::TicketRecord {
            ticket_id: "early".into(),
            employee_id: "e1".into(),
            created_time: at("2026-07-02T00:00:00Z", 10),
            first_response_time: at("2026-07-02T00:00:00Z", 5),
            ..Default::default()
        },
    );
    records.insert(
        12,
        pb::TicketRecord {
            ticket_id: String::new(),
            employee_id: "e1".into(),
            created_time: at("2026-07-02T00:00:00Z", 0),
            ..Default::default()
        },
    );
    records.insert(
        14,
        pb::TicketRecord {
            ticket_id: "bad-nanos".into(),
            employee_id: "e1".into(),
            created_time: Some(prost_types::Timestamp {
                seconds: 1_780_000_000,
                nanos: -5,
            }),
            ..Default::default()
        },
    );
    let answer = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![
            options_message(q3_options()),
            batch(records),
        ]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (answer.accepted_record_count, answer.rejected_record_count),
        (50, 4)
    );
    let got: Vec<(u64, &str)> = answer
        .rejections
        .iter()
        .map(|r| (r.record_index, r.ticket_id.as_str()))
        .collect();
    assert_eq!(got, [(5, "T-1"), (9, "early"), (12, ""), (14, "bad-nanos")]);
    assert!(
        answer.rejections[0].reason.contains("duplicate ticket id"),
        "{}",
        answer.rejections[0].reason
    );
    assert!(
        answer.rejections[1].reason.contains("before"),
        "{}",
        answer.rejections[1].reason
    );
    assert_eq!(answer.rejections[2].reason, "missing ticket id");
    assert!(
        answer.rejections[3].reason.contains("not a readable time"),
        "{}",
        answer.rejections[3].reason
    );
    // The good records still give the numbers worked out above.
    assert_eq!(
        answer.employees[0].submission.as_ref().unwrap().values["first_response_sla_rate"],
        92.5
    );
}

/// The status a push of these options alone is refused with.
async fn refused(
    client: &mut pb::ticket_stats_service_client::TicketStatsServiceClient<
        tonic::transport::Channel,
    >,
    options: pb::PushOptions,
) -> tonic::Status {
    client
        .push_response_times(tokio_stream::iter(vec![options_message(options)]))
        .await
        .expect_err("the options are refused")
}

#[tokio::test]
async fn bad_options_are_invalid_arguments_with_field_paths() {
    let server = TestServer::start().await;
    let mut client = server.tickets().await;
    let err = client
        .push_response_times(tokio_stream::iter(vec![batch(vec![])]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&err), ["options"]);

    let mut options = q3_options();
    options.period_start_time = None;
    options.response_limits = vec![pb::PriorityLimit {
        priority: "P1".into(),
        limit_minutes: -5.0,
    }];
    options.calendar = Some(pb::BusinessCalendar {
        time_zone: "Mars/Olympus".into(),
        ..Default::default()
    });
    let err = refused(&mut client, options).await;
    assert_eq!(err.code(), Code::InvalidArgument);
    let fields = bad_fields(&err);
    for f in [
        "options.period_start_time",
        "options.calendar.time_zone",
        "options.response_limits[0].limit_minutes",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} not in {fields:?}");
    }

    let mut options = q3_options();
    options.rubric_ref = Some(pb::RubricRef {
        id: "missing".into(),
        version: 0,
    });
    let err = refused(&mut client, options).await;
    assert_eq!(err.code(), Code::NotFound);
    assert_eq!(bad_fields(&err), ["options.rubric_ref.id"]);

    // A fault of the rubric reference does not hide the options' own: an
    // empty id beside a bad version and no period is four violations.
    let options = pb::PushOptions {
        rubric_ref: Some(pb::RubricRef {
            id: String::new(),
            version: 0,
        }),
        metrics_version: 7,
        ..Default::default()
    };
    let err = refused(&mut client, options).await;
    assert_eq!(err.code(), Code::InvalidArgument);
    let mut fields = bad_fields(&err);
    fields.sort();
    assert_eq!(
        fields,
        [
            "options.metrics_version",
            "options.period_end_time",
            "options.period_start_time",
            "options.rubric_ref.id",
        ]
    );
    // An unknown rubric beside bad options: one more violation, and the
    // code is INVALID_ARGUMENT.
    let mut options = q3_options();
    options.period_start_time = None;
    options.rubric_ref = Some(pb::RubricRef {
        id: "missing".into(),
        version: 0,
    });
    let err = refused(&mut client, options).await;
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&err),
        ["options.period_start_time", "options.rubric_ref.id"]
    );
}

#[tokio::test]
async fn pending_and_breached_are_judged_at_as_of() {
    let server = TestServer::start().await;
    let mut options = q3_options();
    options.as_of_time = ts("2026-07-01T01:00:00Z");
    // Created 00:50 and unanswered: 10 minutes at as_of → pending.
    // Created 00:30 and unanswered: 30 minutes → breached.
    // Created 00:10, answered 00:20 → within.
    let records = vec![
        pb::TicketRecord {
            ticket_id: "p".into(),
            employee_id: "e1".into(),
            created_time: ts("2026-07-01T00:50:00Z"),
            ..Default::default()
        },
        pb::TicketRecord {
            ticket_id: "b".into(),
            employee_id: "e1".into(),
            created_time: ts("2026-07-01T00:30:00Z"),
            ..Default::default()
        },
        pb::TicketRecord {
            ticket_id: "w".into(),
            employee_id: "e1".into(),
            created_time: ts("2026-07-01T00:10:00Z"),
            first_response_time: ts("2026-07-01T00:20:00Z"),
            ..Default::default()
        },
    ];
    let answer = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![
            options_message(options),
            batch(records),
        ]))
        .await
        .unwrap()
        .into_inner();
    let e1 = &answer.employees[0];
    assert_eq!(
        (e1.ticket_count, e1.pending_count, e1.breach_count),
        (3, 1, 1)
    );
    // 1 within of 2 eligible = 50 %.
    assert_eq!(
        e1.submission.as_ref().unwrap().values["first_response_sla_rate"],
        50.0
    );
}

#[test]
fn the_cli_pushes_the_example_export() {
    // Server in a child process, the CLI as a user would run it.
    let bin = env!("CARGO_BIN_EXE_scorecard");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = std::process::Command::new(bin)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let mut ok = false;
    for _ in 0..100 {
        let h = std::process::Command::new(bin)
            .args(["health", "--server", &url])
            .output()
            .unwrap();
        if h.status.success() {
            ok = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(ok, "server did not become healthy");
    let out = std::process::Command::new(bin)
        .args([
            "tickets",
            "push",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tickets.csv"),
            "--server",
            &url,
        ])
        .args([
            "--period-start",
            "2026-07-01T00:00:00Z",
            "--period-end",
            "2026-10-01T00:00:00Z",
            "--json",
        ])
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let employees = json["employees"].as_array().unwrap();
    // examples/tickets.csv: e1024 has 8 tickets, 7 answered within 15
    // minutes (87.5 %); 2 complaints, 1 resolved (50 %).
    let e1024 = &employees
        .iter()
        .find(|e| e["employee_id"] == "e1024")
        .unwrap()["submission"];
    assert_eq!(e1024["source"], "ticketing");
    assert_eq!(e1024["values"]["first_response_sla_rate"], 87.5);
    assert_eq!(e1024["values"]["complaint_resolution_rate"], 50.0);
}

/// Records in [`slow_push`]'s batch: about half a second of work in a debug
/// build here.
const SLOW_RECORDS: usize = 50;

/// A push that is slow to work out and quick to send: a New York calendar
/// of 720 one-minute working intervals a day, every day, and complex
/// tickets answered and resolved 360 days after creation (across two
/// daylight-saving changes), judged a year after the period.
fn slow_push(records: usize) -> Vec<pb::PushResponseTimesRequest> {
    let days = [
        pb::Weekday::Monday,
        pb::Weekday::Tuesday,
        pb::Weekday::Wednesday,
        pb::Weekday::Thursday,
        pb::Weekday::Friday,
        pb::Weekday::Saturday,
        pb::Weekday::Sunday,
    ];
    let clock = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    let mut options = q3_options();
    options.as_of_time = ts("2027-07-01T00:00:00Z");
    options.calendar = Some(pb::BusinessCalendar {
        time_zone: "America/New_York".into(),
        working_hours: days
            .iter()
            .flat_map(|d| {
                (0..720u32).map(move |i| pb::WorkingHours {
                    weekday: *d as i32,
                    start_time: clock(2 * i),
                    end_time: clock(2 * i + 1),
                })
            })
            .collect(),
        ..Default::default()
    });
    let records = (0..records)
        .map(|i| {
            let created = i64::try_from(i).unwrap();
            pb::TicketRecord {
                ticket_id: format!("slow-{i}"),
                employee_id: "e1".into(),
                created_time: at("2026-07-01T00:00:00Z", created),
                first_response_time: at("2026-07-01T00:00:00Z", created + 360 * 24 * 60),
                resolved_time: at("2026-07-01T00:00:00Z", created + 360 * 24 * 60),
                complex: true,
                ..Default::default()
            }
        })
        .collect();
    vec![options_message(options), batch(records)]
}

#[tokio::test]
async fn a_push_still_working_at_its_stream_timeout_ends_with_deadline_exceeded() {
    // The whole push is sent at once, so the server spends the call working
    // through one batch. How long that takes here, with no deadline:
    let open = TestServer::start().await;
    let mut client = open.tickets().await;
    let started = std::time::Instant::now();
    let answer = client
        .push_response_times(tokio_stream::iter(slow_push(SLOW_RECORDS)))
        .await
        .unwrap()
        .into_inner();
    let took = started.elapsed();
    eprintln!("slow push took {took:?}");
    assert_eq!(answer.accepted_record_count, SLOW_RECORDS as u64);
    // A server whose stream timeout is a twentieth of that ends the same
    // push with DEADLINE_EXCEEDED: the record loop yields, so the deadline
    // gets its turn rather than the push answering OK past it.
    let short = TestServer::start_with(
        scorecard_core::rubric::Registry::with_builtin(),
        scorecard::server::ServeOptions {
            stream_timeout: Some(took / 20),
            ..Default::default()
        },
    )
    .await;
    let err = short
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(slow_push(SLOW_RECORDS)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::DeadlineExceeded, "{err}");
}

#[tokio::test]
async fn over_long_ids_are_rejected_records_and_the_answer_stays_small() {
    let server = TestServer::start().await;
    // Three records with 512 KiB ticket ids, one message each (under the
    // 1 MiB message limit), and one good record.
    let huge = |c: char| c.to_string().repeat(1 << 19);
    let mut messages = vec![options_message(q3_options())];
    for c in ['a', 'b', 'c'] {
        messages.push(batch(vec![pb::TicketRecord {
            ticket_id: huge(c),
            employee_id: "e1".into(),
            created_time: ts("2026-07-01T10:00:00Z"),
            ..Default::default()
        }]));
    }
    messages.push(batch(vec![pb::TicketRecord {
        ticket_id: "ok".into(),
        employee_id: "e".repeat(257),
        created_time: ts("2026-07-01T10:00:00Z"),
        ..Default::default()
    }]));
    let answer = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(messages))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (answer.accepted_record_count, answer.rejected_record_count),
        (0, 4)
    );
    let got: Vec<(u64, &str, &str)> = answer
        .rejections
        .iter()
        .map(|r| (r.record_index, r.ticket_id.as_str(), r.reason.as_str()))
        .collect();
    let a = format!("{}…", "a".repeat(64));
    let b = format!("{}…", "b".repeat(64));
    let c = format!("{}…", "c".repeat(64));
    assert_eq!(
        got,
        [
            (0, a.as_str(), "ticket_id is 524288 bytes long; at most 256"),
            (1, b.as_str(), "ticket_id is 524288 bytes long; at most 256"),
            (2, c.as_str(), "ticket_id is 524288 bytes long; at most 256"),
            (3, "ok", "employee_id is 257 bytes long; at most 256"),
        ]
    );
    // 3 MiB of ids in, well under a kilobyte out.
    use prost::Message;
    assert!(answer.encoded_len() < 1024, "{}", answer.encoded_len());

    // An over-long period label or limit priority is a bad option.
    let mut options = q3_options();
    options.period_label = "Q".repeat(300);
    options.response_limits = vec![pb::PriorityLimit {
        priority: "P".repeat(257),
        limit_minutes: 10.0,
    }];
    let err = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![options_message(options)]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        bad_violations(&err),
        [
            (
                "options.period_label".to_owned(),
                "is 300 bytes long; at most 256".to_owned()
            ),
            (
                "options.response_limits[0].priority".to_owned(),
                "is 257 bytes long; at most 256".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn limit_errors_name_the_field_sent_with_the_value_sent() {
    // The built-in rubric as "sla-test" versions 2 and 3, with first-response
    // limits of 600000 minutes (over 366 days = 527040 minutes) and 0.000001
    // minutes (0.06 ms): valid rubrics, limits no push can use.
    let builtin = include_str!("../../core/rubrics/telecom-support-manager.v1.json");
    let dir = tempfile::tempdir().unwrap();
    for (version, limit) in [(2, "600000"), (3, "0.000001")] {
        let text = builtin
            .replace("\"telecom-support-manager\"", "\"sla-test\"")
            .replace("\"version\": 1,", &format!("\"version\": {version},"))
            .replace(
                "\"response_limit_minutes\": 15",
                &format!("\"response_limit_minutes\": {limit}"),
            );
        std::fs::write(dir.path().join(format!("v{version}.json")), text).unwrap();
    }
    let registry = scorecard::cli::load_registry(Some(dir.path())).expect("valid rubrics");
    let server = TestServer::start_with(registry, Default::default()).await;
    let mut client = server.tickets().await;

    let mut options = q3_options();
    options.response_limits = [("P1", 600000.0), ("P2", 0.000001), ("P3", 0.00002)]
        .into_iter()
        .map(|(p, m)| pb::PriorityLimit {
            priority: p.into(),
            limit_minutes: m,
        })
        .collect();
    let err = client
        .push_response_times(tokio_stream::iter(vec![options_message(options)]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    // P3's 0.00002 minutes = 1.2 ms is kept as 1 ms: accepted.
    assert_eq!(
        bad_violations(&err),
        [
            (
                "options.response_limits[0].limit_minutes".to_owned(),
                "600000 minutes is more than 366 days (527040 minutes)".to_owned()
            ),
            (
                "options.response_limits[1].limit_minutes".to_owned(),
                "0.000001 minutes is less than a millisecond; limits are kept to the millisecond"
                    .to_owned()
            ),
        ]
    );

    for (version, reason) in [
        (2, "600000 minutes is more than 366 days (527040 minutes)"),
        (
            3,
            "0.000001 minutes is less than a millisecond; limits are kept to the millisecond",
        ),
    ] {
        let mut options = q3_options();
        options.rubric_ref = Some(pb::RubricRef {
            id: "sla-test".into(),
            version,
        });
        let err = client
            .push_response_times(tokio_stream::iter(vec![options_message(options)]))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(
            bad_violations(&err),
            [(
                "options.rubric_ref".to_owned(),
                format!(
                    "rubric sla-test version {version}: indicator \
                     first_response_sla_rate.response_limit_minutes: {reason}"
                )
            )]
        );
    }
}

#[tokio::test]
async fn an_as_of_before_the_period_start_is_an_invalid_argument() {
    // The period starts 2026-07-01T00:00:00Z; as_of is the day before,
    // which would count every ticket of the period pending.
    let mut options = q3_options();
    options.as_of_time = ts("2026-06-30T00:00:00Z");
    let err = server_push_error(options).await;
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        bad_violations(&err),
        [(
            "options.as_of_time".to_owned(),
            "as_of 2026-06-30T00:00:00Z is before period start 2026-07-01T00:00:00Z: \
             it must be at or after the start"
                .to_owned()
        )]
    );
}

/// The error a push of `options` and one good record ends with.
async fn server_push_error(options: pb::PushOptions) -> tonic::Status {
    let server = TestServer::start().await;
    let record = pb::TicketRecord {
        ticket_id: "T-1".into(),
        employee_id: "e1".into(),
        created_time: ts("2026-07-01T10:00:00Z"),
        ..Default::default()
    };
    server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![
            options_message(options),
            batch(vec![record]),
        ]))
        .await
        .unwrap_err()
}

#[test]
fn the_cli_counts_unreadable_rows_and_names_rejected_rows_by_row() {
    // Row 1 the header; row 3 has an unreadable time and is never sent;
    // the record on rows 5–6 has a quoted line break in its priority; row 8
    // repeats T-1's id, which the server rejects as record #4 of the stream.
    let csv = "ticket_id,employee_id,created_time,first_response_time,priority\n\
               T-1,e1,2026-07-01T01:00:00Z,2026-07-01T01:05:00Z,P1\n\
               T-X,e1,yesterday,,P1\n\
               T-2,e1,2026-07-01T02:00:00Z,2026-07-01T02:05:00Z,P1\n\
               T-3,e1,2026-07-01T03:00:00Z,2026-07-01T03:05:00Z,\"P\n1\"\n\
               T-4,e1,2026-07-01T04:00:00Z,2026-07-01T04:05:00Z,P1\n\
               T-1,e1,2026-07-01T05:00:00Z,2026-07-01T05:05:00Z,P1\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.csv");
    std::fs::write(&file, csv).unwrap();
    let server = ChildServer::start(&[]);
    let run = |json: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"));
        command
            .args(["tickets", "push"])
            .arg(&file)
            .args(["--server", &server.url()])
            .args(["--period-start", "2026-07-01T00:00:00Z"])
            .args(["--period-end", "2026-10-01T00:00:00Z"]);
        if json {
            command.arg("--json");
        }
        let out = command.output().unwrap();
        // Rows were rejected: exit 4.
        assert_eq!(
            out.status.code(),
            Some(4),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // 6 data rows: 4 accepted, 1 rejected by the server, 1 not sent.
    let counts = "records: 4 accepted (0 outside the period), 1 rejected by the server, \
                  1 not sent (unreadable rows)\n";
    let (stdout, _) = run(false);
    assert!(stdout.starts_with(counts), "{stdout}");
    let rows = stdout
        .split_once("rejected rows:\n")
        .map(|(_, rows)| rows)
        .unwrap_or_else(|| panic!("no rejected rows in {stdout}"));
    let rows: Vec<&str> = rows.lines().collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0]
            .starts_with("  row 3 not sent: created_time: \"yesterday\" is not an RFC 3339 time"),
        "{}",
        rows[0]
    );
    assert_eq!(
        rows[1],
        "  row 8 T-1: duplicate ticket id: an earlier record of this stream was accepted with it"
    );
    // With --json, standard output is the answer only, and the counts
    // and rows go to standard error.
    let (stdout, stderr) = run(true);
    assert!(stdout.trim_start().starts_with('{'), "{stdout}");
    assert!(stderr.starts_with(counts), "{stderr}");
    assert!(
        stderr.contains("  row 8 T-1: duplicate ticket id"),
        "{stderr}"
    );

    // The same export with CR LF line ends (as spreadsheets write them) and
    // a blank line after row 4: the unreadable row is still row 3, and the
    // repeated T-1 moves down one, to row 9.
    let crlf = csv
        .replace('\n', "\r\n")
        .replacen("P1\r\nT-3", "P1\r\n\r\nT-3", 1);
    std::fs::write(&file, crlf).unwrap();
    let (stdout, _) = run(false);
    assert!(stdout.starts_with(counts), "{stdout}");
    assert!(
        stdout.contains("\n  row 3 not sent: created_time"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n  row 9 T-1: duplicate ticket id"),
        "{stdout}"
    );
}

/// A version 2 of the built-in rubric's id loaded from a file, with a
/// 20-minute first-response limit, and a rubric without
/// first_response_sla_rate.
fn registry_with_a_later_builtin_and_a_partial_rubric() -> scorecard_core::rubric::Registry {
    use scorecard_core::rubric::{BUILTIN_RUBRIC_SOURCE, Registry, RubricSpec, validate};
    let mut registry = Registry::with_builtin();
    let mut later: RubricSpec = serde_json::from_str(BUILTIN_RUBRIC_SOURCE).unwrap();
    later.version = 2;
    for d in &mut later.dimensions {
        for i in &mut d.indicators {
            if i.id == "first_response_sla_rate" {
                i.response_limit_minutes = Some(20.0);
            }
        }
    }
    registry.add(validate(&later).unwrap()).unwrap();
    // The same without first_response_sla_rate: its dimension's other
    // indicators take its points.
    let mut partial: RubricSpec = serde_json::from_str(BUILTIN_RUBRIC_SOURCE).unwrap();
    partial.id = "no-frs".into();
    for d in &mut partial.dimensions {
        if let Some(at) = d
            .indicators
            .iter()
            .position(|i| i.id == "first_response_sla_rate")
        {
            let gone = d.indicators.remove(at);
            d.indicators[0].full_points += gone.full_points;
        }
    }
    registry.add(validate(&partial).unwrap()).unwrap();
    registry
}

/// A request that names no rubric is the built-in rubric's, even with a
/// later version of its id loaded: ScoreReview scores against version 1,
/// and a push judges first responses by its 15 minutes (a ticket answered
/// in 18 is a breach, where version 2 would allow 20). A push naming a
/// rubric gives only the metrics that rubric defines, so its submission
/// passes into a review on it.
#[tokio::test]
async fn no_rubric_named_is_the_built_in_and_a_named_one_gets_its_own_metrics() {
    let server = TestServer::start_with(
        registry_with_a_later_builtin_and_a_partial_rubric(),
        scorecard::server::ServeOptions::default(),
    )
    .await;
    let answer = server
        .scoring()
        .await
        .score_review(worked_example())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.rubric.as_ref().unwrap().version, 1);

    let options = |rubric_ref: Option<pb::RubricRef>| pb::PushResponseTimesRequest {
        payload: Some(pb::push_response_times_request::Payload::Options(
            pb::PushOptions {
                period_start_time: ts("2026-07-01T00:00:00Z"),
                period_end_time: ts("2026-10-01T00:00:00Z"),
                rubric_ref,
                ..Default::default()
            },
        )),
    };
    let ticket = pb::TicketRecord {
        ticket_id: "T-1".into(),
        employee_id: "e1".into(),
        created_time: ts("2026-07-01T09:00:00Z"),
        first_response_time: ts("2026-07-01T09:18:00Z"),
        // A resolved complaint: complaint_resolution_rate too.
        resolved_time: ts("2026-07-01T10:00:00Z"),
        complaint: true,
        ..Default::default()
    };
    let push = |rubric_ref| {
        let ticket = ticket.clone();
        let server = &server;
        async move {
            server
                .tickets()
                .await
                .push_response_times(tokio_stream::iter([
                    options(rubric_ref),
                    batch(vec![ticket]),
                ]))
                .await
                .unwrap()
                .into_inner()
        }
    };
    let values = |answer: &pb::PushResponseTimesResponse| {
        answer.employees[0]
            .submission
            .as_ref()
            .unwrap()
            .values
            .clone()
    };
    // 18 minutes against the built-in 15: 0 of 1 within the limit.
    let builtin = push(None).await;
    assert_eq!(values(&builtin).get("first_response_sla_rate"), Some(&0.0));
    // Version 2 named: 20 minutes, 1 of 1.
    let later = push(Some(pb::RubricRef {
        id: "telecom-support-manager".into(),
        version: 2,
    }))
    .await;
    assert_eq!(values(&later).get("first_response_sla_rate"), Some(&100.0));
    // A rubric without the indicator: not in the submission.
    let partial = push(Some(pb::RubricRef {
        id: "no-frs".into(),
        version: 0,
    }))
    .await;
    let mut expected: Vec<String> = values(&builtin).into_keys().collect();
    expected.retain(|id| id != "first_response_sla_rate");
    assert!(!expected.is_empty(), "the ticket gives other metrics too");
    let got: Vec<String> = values(&partial).into_keys().collect();
    assert_eq!(got, expected);
}
