//! `scorecard tickets push FILE.csv`: reads a ticket export lazily and
//! streams it to PushResponseTimes in batches.

use crate::api::{json, pb};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio_stream::wrappers::ReceiverStream;

#[derive(Args, Debug)]
pub struct PushArgs {
    /// CSV export; the header names the record fields: ticket_id,
    /// employee_id, created_time, first_response_time, resolved_time,
    /// priority, complaint, complex, cross_department,
    /// resolved_on_first_contact. Times in RFC 3339.
    file: PathBuf,
    #[command(flatten)]
    client: super::ClientArgs,
    /// Period start (RFC 3339), inclusive.
    #[arg(long)]
    period_start: String,
    /// Period end (RFC 3339), exclusive.
    #[arg(long)]
    period_end: String,
    /// Moment pending versus breached is judged (default: period end; not
    /// before the period start).
    #[arg(long)]
    as_of: Option<String>,
    /// Label of the period in the submissions, e.g. 2026-Q3.
    #[arg(long, default_value = "")]
    period_label: String,
    /// Business calendar in proto3 JSON (BusinessCalendar).
    #[arg(long)]
    calendar: Option<PathBuf>,
    /// Response limit per priority, PRIORITY=MINUTES (repeatable).
    #[arg(long = "limit", value_parser = parse_limit)]
    limits: Vec<(String, f64)>,
    /// Records per message.
    #[arg(long, default_value_t = 1000)]
    batch_size: usize,
    /// Print the submissions as proto3 JSON, ready for a review file.
    #[arg(long)]
    json: bool,
}

fn parse_limit(text: &str) -> Result<(String, f64), String> {
    let (p, m) = text.split_once('=').ok_or("expected PRIORITY=MINUTES")?;
    let minutes: f64 = m
        .parse()
        .map_err(|_| format!("\"{m}\" is not a number of minutes"))?;
    Ok((p.to_string(), minutes))
}

fn timestamp(text: &str) -> Result<prost_types::Timestamp, String> {
    let t: jiff::Timestamp = text
        .trim()
        .parse()
        .map_err(|e| format!("\"{text}\" is not an RFC 3339 time: {e}"))?;
    Ok(prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: t.subsec_nanosecond(),
    })
}

fn flag(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "n" => Ok(false),
        "1" | "true" | "yes" | "y" => Ok(true),
        other => Err(format!("\"{other}\" is not a yes/no flag")),
    }
}

/// One CSV row as a record; the column indexes come from the header.
struct Columns {
    ticket_id: Option<usize>,
    employee_id: Option<usize>,
    created_time: Option<usize>,
    first_response_time: Option<usize>,
    resolved_time: Option<usize>,
    priority: Option<usize>,
    complaint: Option<usize>,
    complex: Option<usize>,
    cross_department: Option<usize>,
    resolved_on_first_contact: Option<usize>,
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Columns, String> {
        let find = |name: &str| header.iter().position(|h| h.trim() == name);
        let columns = Columns {
            ticket_id: find("ticket_id"),
            employee_id: find("employee_id"),
            created_time: find("created_time"),
            first_response_time: find("first_response_time"),
            resolved_time: find("resolved_time"),
            priority: find("priority"),
            complaint: find("complaint"),
            complex: find("complex"),
            cross_department: find("cross_department"),
            resolved_on_first_contact: find("resolved_on_first_contact"),
        };
        for (name, col) in [
            ("ticket_id", columns.ticket_id),
            ("employee_id", columns.employee_id),
            ("created_time", columns.created_time),
        ] {
            if col.is_none() {
                return Err(format!("the header has no \"{name}\" column"));
            }
        }
        Ok(columns)
    }

    fn record(&self, row: &csv::StringRecord) -> Result<pb::TicketRecord, String> {
        let text = |c: Option<usize>| c.and_then(|i| row.get(i)).unwrap_or("").to_string();
        let time =
            |name: &str, c: Option<usize>| -> Result<Option<prost_types::Timestamp>, String> {
                let t = text(c);
                if t.trim().is_empty() {
                    Ok(None)
                } else {
                    timestamp(&t).map(Some).map_err(|e| format!("{name}: {e}"))
                }
            };
        let bool_of =
            |name: &str, c: Option<usize>| flag(&text(c)).map_err(|e| format!("{name}: {e}"));
        Ok(pb::TicketRecord {
            ticket_id: text(self.ticket_id),
            employee_id: text(self.employee_id),
            created_time: time("created_time", self.created_time)?,
            first_response_time: time("first_response_time", self.first_response_time)?,
            resolved_time: time("resolved_time", self.resolved_time)?,
            priority: text(self.priority),
            complaint: bool_of("complaint", self.complaint)?,
            complex: bool_of("complex", self.complex)?,
            cross_department: bool_of("cross_department", self.cross_department)?,
            resolved_on_first_contact: bool_of(
                "resolved_on_first_contact",
                self.resolved_on_first_contact,
            )?,
        })
    }
}

pub async fn push(args: PushArgs) -> Result<ExitCode, Box<dyn std::error::Error + Send + Sync>> {
    let calendar = match &args.calendar {
        None => None,
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Some(
                json::from_json::<pb::BusinessCalendar>("scorecard.v1.BusinessCalendar", &text)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
            )
        }
    };
    let options = pb::PushOptions {
        period_start_time: Some(timestamp(&args.period_start)?),
        period_end_time: Some(timestamp(&args.period_end)?),
        as_of_time: args.as_of.as_deref().map(timestamp).transpose()?,
        calendar,
        response_limits: args
            .limits
            .iter()
            .map(|(p, m)| pb::PriorityLimit {
                priority: p.clone(),
                limit_minutes: *m,
            })
            .collect(),
        rubric_ref: None,
        period_label: args.period_label.clone(),
    };
    let mut reader =
        csv::Reader::from_path(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let columns = Columns::from_header(reader.headers()?)
        .map_err(|e| format!("{}: {e}", args.file.display()))?;

    // Rows are read on a blocking thread and sent through a small channel:
    // the file is never held in memory, whatever its size.
    let (tx, rx) = tokio::sync::mpsc::channel::<pb::PushResponseTimesRequest>(8);
    let batch_size = args.batch_size.max(1);
    let reader_task = tokio::task::spawn_blocking(move || -> Vec<String> {
        let mut local_errors = Vec::new();
        let first = pb::PushResponseTimesRequest {
            payload: Some(pb::push_response_times_request::Payload::Options(options)),
        };
        if tx.blocking_send(first).is_err() {
            return local_errors;
        }
        let mut batch = Vec::with_capacity(batch_size);
        for (line, row) in reader.records().enumerate() {
            let parsed = row
                .map_err(|e| e.to_string())
                .and_then(|r| columns.record(&r));
            match parsed {
                Ok(record) => batch.push(record),
                Err(e) => local_errors.push(format!("row {}: {e}", line + 2)),
            }
            if batch.len() == batch_size {
                let records = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                let message = pb::PushResponseTimesRequest {
                    payload: Some(pb::push_response_times_request::Payload::Batch(
                        pb::TicketBatch { records },
                    )),
                };
                if tx.blocking_send(message).is_err() {
                    return local_errors;
                }
            }
        }
        if !batch.is_empty() {
            let message = pb::PushResponseTimesRequest {
                payload: Some(pb::push_response_times_request::Payload::Batch(
                    pb::TicketBatch { records: batch },
                )),
            };
            let _ = tx.blocking_send(message);
        }
        local_errors
    });

    let channel = super::connect(&args.client).await?;
    let mut client = pb::ticket_stats_service_client::TicketStatsServiceClient::new(channel);
    let result = client.push_response_times(ReceiverStream::new(rx)).await;
    let local_errors = reader_task.await.unwrap_or_default();
    let answer = match result {
        Ok(a) => a.into_inner(),
        Err(status) => {
            eprint!("{}", super::print::status(&status));
            return Ok(ExitCode::FAILURE);
        }
    };
    if args.json {
        let submissions: Vec<serde_json::Value> = answer
            .employees
            .iter()
            .filter_map(|e| e.submission.as_ref())
            .map(|s| {
                json::to_json("scorecard.v1.MetricSubmission", s)
                    .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "submissions": submissions }))?
        );
    } else {
        print!("{}", summary(&answer));
    }
    for e in &local_errors {
        eprintln!("not sent: {e}");
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(a: &pb::PushResponseTimesResponse) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "records: {} accepted ({} outside the period), {} rejected",
        a.accepted_record_count, a.outside_period_record_count, a.rejected_record_count
    );
    for e in &a.employees {
        let _ = writeln!(
            s,
            "\nemployee {}: {} tickets, {} responded, {} breached, {} pending",
            e.employee_id, e.ticket_count, e.responded_count, e.breach_count, e.pending_count
        );
        if let Some(sub) = &e.submission {
            for (id, value) in &sub.values {
                let _ = writeln!(s, "  {id:<36} {value}");
            }
        }
        for absent in &e.absent_metrics {
            let _ = writeln!(s, "  {:<36} absent: {}", absent.indicator_id, absent.reason);
        }
        if let Some(p) = &e.first_response_minutes {
            let _ = writeln!(
                s,
                "  first response minutes: p50 {} p90 {} p99 {} max {}",
                p.p50, p.p90, p.p99, p.max
            );
        }
    }
    if !a.rejections.is_empty() {
        let _ = writeln!(s, "\nrejected records (first {}):", a.rejections.len());
        for r in &a.rejections {
            let _ = writeln!(s, "  #{} {}: {}", r.record_index, r.ticket_id, r.reason);
        }
    }
    s
}
