//! `scorecard tickets push FILE.csv`: reads a ticket export lazily and
//! streams it to PushResponseTimes in batches.

use super::CliError;
use crate::api::{json, pb};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio_stream::wrappers::ReceiverStream;

/// Exit code of a push whose records were not all used: the server
/// rejected some, or rows could not be read (`--accept-rejects`: 0).
pub const EXIT_REJECTED: u8 = 4;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  scorecard tickets push examples/tickets.csv --period-label 2026-Q3 \\\n      --period-start 2026-07-01T00:00:00Z --period-end 2026-10-01T00:00:00Z\n  scorecard tickets push examples/tickets-history.csv --calendars examples/calendars.json \\\n      --limit P2=60 --resolution-limit P2=480 \\\n      --period-start 2026-07-01T00:00:00+08:00 --period-end 2026-08-01T00:00:00+08:00\n\nExit codes: 0 pushed, every record used; 1 a file or the server could not be\nread or reached, or the output not written; 2 bad command line; 3 the options\nwere refused (INVALID_ARGUMENT, NOT_FOUND); 4 records were rejected or rows unreadable\n(0 with --accept-rejects)."
)]
pub struct PushArgs {
    /// CSV export; the header names the record fields: ticket_id,
    /// employee_id, created_time, first_response_time, resolved_time,
    /// priority, complaint, complex, cross_department,
    /// resolved_on_first_contact, status_history, calendar. Times in RFC
    /// 3339; status_history is "TIME STATUS; TIME STATUS; …".
    file: PathBuf,
    #[command(flatten)]
    client: super::ClientArgs,
    /// Period start (RFC 3339), inclusive.
    #[arg(long, value_parser = timestamp)]
    period_start: prost_types::Timestamp,
    /// Period end (RFC 3339), exclusive.
    #[arg(long, value_parser = timestamp)]
    period_end: prost_types::Timestamp,
    /// Moment pending versus breached is judged (default: period end; not
    /// before the period start).
    #[arg(long, value_parser = timestamp)]
    as_of: Option<prost_types::Timestamp>,
    /// Label of the period in the submissions, e.g. 2026-Q3.
    #[arg(long, default_value = "")]
    period_label: String,
    /// Default business calendar in proto3 JSON (BusinessCalendar, date
    /// overrides included).
    #[arg(long)]
    calendar: Option<PathBuf>,
    /// Named calendars: a JSON array of BusinessCalendar, each with its
    /// "name", selected by the CSV's calendar column (metrics version 2).
    #[arg(long)]
    calendars: Option<PathBuf>,
    /// Response limit per priority, PRIORITY=MINUTES (repeatable).
    #[arg(long = "limit", value_parser = parse_limit)]
    limits: Vec<(String, f64)>,
    /// Resolution limit per priority, PRIORITY=MINUTES (repeatable;
    /// metrics version 2).
    #[arg(long = "resolution-limit", value_parser = parse_limit)]
    resolution_limits: Vec<(String, f64)>,
    /// Resolution limit, in minutes, of priorities without their own
    /// (metrics version 2).
    #[arg(long)]
    default_resolution_limit: Option<f64>,
    /// Reject records whose priority matches no limit instead of giving
    /// them the default (metrics version 2).
    #[arg(long)]
    strict_priorities: bool,
    /// A status name of the export and the status it means, NAME=STATUS
    /// with STATUS one of OPEN, PENDING, ON_HOLD, SOLVED (repeatable), e.g.
    /// "Waiting for customer=PENDING".
    #[arg(long = "status-map", value_parser = parse_status_map)]
    status_map: Vec<(String, i32)>,
    /// Metrics version: 1, or 2 (status histories, resolution and reopen
    /// rates). Default: 2 when the file has a status_history or calendar
    /// column or a version-2 flag is given, else 1.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=2))]
    metrics_version: Option<u32>,
    /// Exit 0 even when records were rejected or rows unreadable (they are
    /// still listed).
    #[arg(long)]
    accept_rejects: bool,
    /// Records per message.
    #[arg(long, default_value_t = 1000)]
    batch_size: usize,
    /// Print the whole answer as proto3 JSON, as the RPC returns it.
    #[arg(long)]
    json: bool,
}

/// Why a `tickets push` flag's value or a cell of the CSV file could not
/// be read.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("expected NAME=STATUS")]
    NotAStatusMapping,
    #[error("\"{0}\" is not OPEN, PENDING, ON_HOLD or SOLVED")]
    NotAStatus(String),
    #[error("expected PRIORITY=MINUTES")]
    NotALimit,
    #[error("\"{0}\" is not a number of minutes")]
    NotMinutes(String),
    #[error("\"{text}\" is not an RFC 3339 time: {source}")]
    NotATime { text: String, source: jiff::Error },
    #[error("\"{0}\" is not a yes/no flag")]
    NotAFlag(String),
    #[error(
        "the record takes {bytes} bytes, over the {MAX_RECORD_BYTES} a record may take in a push (ids are at most 256 bytes)"
    )]
    TooLarge { bytes: usize },
    #[error("the header has no \"{0}\" column")]
    NoColumn(&'static str),
    #[error("the header has the \"{0}\" column more than once")]
    DuplicateColumn(String),
    /// A row that does not fit the header.
    #[error("{0}")]
    Row(csv::Error),
    /// The header row could not be read.
    #[error(transparent)]
    Header(#[from] csv::Error),
    #[error("{column}: {source}")]
    InColumn {
        column: &'static str,
        source: Box<CsvError>,
    },
    #[error("status_history[{index}] is empty")]
    EmptyChange { index: usize },
    #[error("status_history[{index}]: \"{entry}\" is not \"TIME STATUS\"")]
    NotAChange { index: usize, entry: String },
    #[error("status_history[{index}]: {source}")]
    InChange { index: usize, source: Box<CsvError> },
    #[error(
        "status_history[{index}]: unknown status \"{name}\": expected OPEN, PENDING, ON_HOLD \
         or SOLVED (or map it with --status-map)"
    )]
    UnknownStatus { index: usize, name: String },
}

fn parse_status_map(text: &str) -> Result<(String, i32), CsvError> {
    let (name, status) = text.rsplit_once('=').ok_or(CsvError::NotAStatusMapping)?;
    let status =
        canonical_status(status).ok_or_else(|| CsvError::NotAStatus(status.to_string()))?;
    Ok((normal_status_name(name), status as i32))
}

/// A status name compared case-insensitively, with '-', '_' and runs of
/// spaces alike.
fn normal_status_name(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The statuses by their own names and the names Zendesk exports use
/// (new, open, pending, hold, solved, closed).
fn canonical_status(name: &str) -> Option<pb::TicketStatus> {
    Some(match normal_status_name(name).as_str() {
        "open" | "new" => pb::TicketStatus::Open,
        "pending" => pb::TicketStatus::Pending,
        "on hold" | "hold" => pb::TicketStatus::OnHold,
        "solved" | "closed" => pb::TicketStatus::Solved,
        _ => return None,
    })
}

/// Reads a status_history cell: changes separated by ';', each a time and
/// a status name separated by whitespace.
fn status_history(text: &str, map: &[(String, i32)]) -> Result<Vec<pb::StatusChange>, CsvError> {
    let text = text.trim();
    let text = text.strip_suffix(';').unwrap_or(text);
    let mut changes = Vec::new();
    if text.trim().is_empty() {
        return Ok(changes);
    }
    for (i, entry) in text.split(';').map(str::trim).enumerate() {
        if entry.is_empty() {
            return Err(CsvError::EmptyChange { index: i });
        }
        let (time, name) =
            entry
                .split_once(char::is_whitespace)
                .ok_or_else(|| CsvError::NotAChange {
                    index: i,
                    entry: entry.to_string(),
                })?;
        let change_time = timestamp(time).map_err(|e| CsvError::InChange {
            index: i,
            source: Box::new(e),
        })?;
        let key = normal_status_name(name);
        let status = map
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, s)| *s)
            .or_else(|| canonical_status(name).map(|s| s as i32))
            .ok_or_else(|| CsvError::UnknownStatus {
                index: i,
                name: name.trim().to_string(),
            })?;
        changes.push(pb::StatusChange {
            change_time: Some(change_time),
            status,
        });
    }
    Ok(changes)
}

fn parse_limit(text: &str) -> Result<(String, f64), CsvError> {
    let (p, m) = text.split_once('=').ok_or(CsvError::NotALimit)?;
    let minutes: f64 = m.parse().map_err(|_| CsvError::NotMinutes(m.to_string()))?;
    Ok((p.to_string(), minutes))
}

fn timestamp(text: &str) -> Result<prost_types::Timestamp, CsvError> {
    let t: jiff::Timestamp = text.trim().parse().map_err(|source| CsvError::NotATime {
        text: text.to_string(),
        source,
    })?;
    Ok(prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: t.subsec_nanosecond(),
    })
}

fn flag(text: &str) -> Result<bool, CsvError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "n" => Ok(false),
        "1" | "true" | "yes" | "y" => Ok(true),
        other => Err(CsvError::NotAFlag(other.to_string())),
    }
}

/// How many unreadable rows are listed in full; the rest are only counted,
/// as the server does with its rejections.
const MAX_LISTED_NOT_SENT: usize = 100;

/// Which file row each record sent came from, so that the server's
/// rejections (indexed by position in the stream) can name rows. Rows are
/// numbered as the file's lines, the header being row 1; a record spanning
/// lines (a quoted line break) has the row it starts on. Kept as runs of
/// consecutive rows, so it grows with the rows not sent, not with the file.
#[derive(Debug, Default)]
struct SentRows {
    /// (stream index, row) where each run starts, by stream index.
    runs: Vec<(u64, u64)>,
    sent: u64,
}

impl SentRows {
    /// The record sent next came from `row`.
    fn push(&mut self, row: u64) {
        if self.extrapolate(self.sent) != Some(row) {
            self.runs.push((self.sent, row));
        }
        self.sent += 1;
    }

    /// The row of the record at stream `index`, if one was sent there.
    fn row(&self, index: u64) -> Option<u64> {
        if index >= self.sent {
            return None;
        }
        self.extrapolate(index)
    }

    fn extrapolate(&self, index: u64) -> Option<u64> {
        let run = self.runs.partition_point(|(first, _)| *first <= index);
        let (first, row) = self.runs.get(run.checked_sub(1)?)?;
        row.checked_add(index - first)
    }
}

/// The file as the CSV reader reads it, noting its line breaks.
struct Counting<R> {
    inner: R,
    breaks: std::sync::Arc<std::sync::Mutex<Breaks>>,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut breaks) = self.breaks.lock() {
            breaks.saw(buf.get(..n).unwrap_or_default());
        }
        Ok(n)
    }
}

/// The line breaks read but not yet behind a record, so that a record's
/// row is the line its first character is on. (The csv crate's own line
/// count is one short for a record after a CR LF or a blank line: it
/// starts the record on the terminator before it, rust-csv #395 and #208.)
/// Holds only what the reader has read ahead.
#[derive(Debug, Default)]
struct Breaks {
    /// Offsets of the '\r' and '\n' bytes not yet passed, with the byte.
    pending: std::collections::VecDeque<(u64, u8)>,
    /// Bytes read so far.
    read: u64,
    /// Line feeds passed.
    lines: u64,
}

impl Breaks {
    fn saw(&mut self, bytes: &[u8]) {
        for (at, &byte) in (self.read..).zip(bytes) {
            if byte == b'\n' || byte == b'\r' {
                self.pending.push_back((at, byte));
            }
        }
        self.read += bytes.len() as u64;
    }

    /// The row (line, from 1) of the record the reader started at byte
    /// `start`: past the line breaks before it and those it starts on.
    /// Records come in file order.
    fn row(&mut self, start: u64) -> u64 {
        let mut first = start;
        while let Some(&(at, byte)) = self.pending.front() {
            if at > first {
                break;
            }
            if at == first {
                first += 1;
            }
            self.pending.pop_front();
            // A line ends at LF, and at a CR not followed by LF: the csv
            // reader ends a record at a lone CR too.
            let crlf = byte == b'\r' && self.pending.front() == Some(&(at + 1, b'\n'));
            if byte == b'\n' || (byte == b'\r' && !crlf) {
                self.lines += 1;
            }
        }
        self.lines + 1
    }
}

/// What happened to the file's rows on this side: where the records sent
/// came from, and the rows that could not be read into a record.
#[derive(Debug, Default)]
struct Local {
    rows: SentRows,
    /// The first [`MAX_LISTED_NOT_SENT`] unreadable rows: (row, why).
    not_sent: Vec<(u64, String)>,
    not_sent_count: u64,
}

impl Local {
    fn not_sent(&mut self, row: u64, reason: String) {
        self.not_sent_count += 1;
        if self.not_sent.len() < MAX_LISTED_NOT_SENT {
            self.not_sent.push((row, reason));
        }
    }
}

/// One CSV row, by column name; a column the file does not have reads as
/// empty. Columns the file has beyond these are ignored.
#[derive(serde::Deserialize)]
#[serde(default)]
#[derive(Default)]
struct Row {
    ticket_id: String,
    employee_id: String,
    created_time: String,
    first_response_time: String,
    resolved_time: String,
    priority: String,
    complaint: String,
    complex: String,
    cross_department: String,
    resolved_on_first_contact: String,
    status_history: String,
    calendar: String,
}

/// The columns every file must have.
const REQUIRED_COLUMNS: [&str; 3] = ["ticket_id", "employee_id", "created_time"];

/// Every column a row is read from (the fields of [`Row`]).
const COLUMNS: [&str; 12] = [
    "ticket_id",
    "employee_id",
    "created_time",
    "first_response_time",
    "resolved_time",
    "priority",
    "complaint",
    "complex",
    "cross_department",
    "resolved_on_first_contact",
    "status_history",
    "calendar",
];

/// The file's header (names trimmed) and how its rows become records.
struct Columns {
    header: csv::StringRecord,
    status_map: Vec<(String, i32)>,
}

impl Columns {
    fn from_header(
        header: &csv::StringRecord,
        status_map: Vec<(String, i32)>,
    ) -> Result<Columns, CsvError> {
        let header: csv::StringRecord = header.iter().map(str::trim).collect();
        if let Some(name) = REQUIRED_COLUMNS
            .into_iter()
            .find(|name| !header.iter().any(|h| h == *name))
        {
            return Err(CsvError::NoColumn(name));
        }
        for (i, name) in header.iter().enumerate() {
            if COLUMNS.contains(&name) && header.iter().skip(i + 1).any(|h| h == name) {
                return Err(CsvError::DuplicateColumn(name.to_string()));
            }
        }
        Ok(Columns { header, status_map })
    }

    /// Whether the file has a column of this name.
    fn has(&self, name: &str) -> bool {
        self.header.iter().any(|h| h == name)
    }

    /// The record of a row. The row is bytes: only the columns read are
    /// checked as UTF-8, so an export's extra fields in another encoding
    /// do not make the row unreadable.
    fn record(&self, row: &csv::ByteRecord) -> Result<pb::TicketRecord, CsvError> {
        let row: Row = row
            .deserialize(Some(self.header.as_byte_record()))
            .map_err(CsvError::Row)?;
        let in_column = |column: &'static str| {
            move |e| CsvError::InColumn {
                column,
                source: Box::new(e),
            }
        };
        let time =
            |name: &'static str, text: &str| -> Result<Option<prost_types::Timestamp>, CsvError> {
                if text.trim().is_empty() {
                    Ok(None)
                } else {
                    timestamp(text).map(Some).map_err(in_column(name))
                }
            };
        let bool_of = |name: &'static str, text: &str| flag(text).map_err(in_column(name));
        Ok(pb::TicketRecord {
            created_time: time("created_time", &row.created_time)?,
            first_response_time: time("first_response_time", &row.first_response_time)?,
            resolved_time: time("resolved_time", &row.resolved_time)?,
            complaint: bool_of("complaint", &row.complaint)?,
            complex: bool_of("complex", &row.complex)?,
            cross_department: bool_of("cross_department", &row.cross_department)?,
            resolved_on_first_contact: bool_of(
                "resolved_on_first_contact",
                &row.resolved_on_first_contact,
            )?,
            status_history: status_history(&row.status_history, &self.status_map)?,
            ticket_id: row.ticket_id,
            employee_id: row.employee_id,
            priority: row.priority,
            calendar_name: row.calendar,
        })
        .and_then(|record| {
            // The server judges each record (an id over 256 bytes is a
            // rejected record), but one so large that the message holding
            // it would be refused whole is not sent: it would end the push.
            let bytes = prost::Message::encoded_len(&record);
            if bytes > MAX_RECORD_BYTES {
                Err(CsvError::TooLarge { bytes })
            } else {
                Ok(record)
            }
        })
    }
}

/// The most bytes one record may take in a push message; a real one takes
/// well under 10 KB (ids are at most 256 bytes).
const MAX_RECORD_BYTES: usize = 64 * 1024;
/// A batch is sent once its records take this many bytes, whatever
/// `--batch-size` says: well under the server's message cap (1 MiB by
/// default).
const MAX_BATCH_BYTES: usize = 256 * 1024;

/// The `--calendar` file and the `--calendars` list, as messages.
fn read_calendars(
    args: &PushArgs,
) -> Result<(Option<pb::BusinessCalendar>, Vec<pb::BusinessCalendar>), CliError> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).map_err(|source| CliError::File {
            path: path.to_path_buf(),
            source,
        })
    };
    let calendar = match &args.calendar {
        None => None,
        Some(path) => {
            let text = read(path)?;
            Some(
                json::from_json::<pb::BusinessCalendar>("scorecard.v1.BusinessCalendar", &text)
                    .map_err(|source| CliError::Calendar {
                        path: path.clone(),
                        index: None,
                        source,
                    })?,
            )
        }
    };
    let calendars = match &args.calendars {
        None => Vec::new(),
        Some(path) => {
            let text = read(path)?;
            let items: Vec<serde_json::Value> =
                serde_json::from_str(&text).map_err(|source| CliError::Calendars {
                    path: path.clone(),
                    source,
                })?;
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    json::from_json::<pb::BusinessCalendar>(
                        "scorecard.v1.BusinessCalendar",
                        &v.to_string(),
                    )
                    .map_err(|source| CliError::Calendar {
                        path: path.clone(),
                        index: Some(i),
                        source,
                    })
                })
                .collect::<Result<_, _>>()?
        }
    };
    Ok((calendar, calendars))
}

/// The push's options from the flags; version 2 when the file or a flag
/// asks for what only version 2 has, unless `--metrics-version` says.
fn push_options(
    args: &PushArgs,
    columns: &Columns,
    calendar: Option<pb::BusinessCalendar>,
    calendars: Vec<pb::BusinessCalendar>,
) -> Result<pb::PushOptions, CliError> {
    let version_2 = columns.has("status_history")
        || columns.has("calendar")
        || !calendars.is_empty()
        || !args.resolution_limits.is_empty()
        || args.default_resolution_limit.is_some()
        || args.strict_priorities;
    let metrics_version = args
        .metrics_version
        .unwrap_or(if version_2 { 2 } else { 1 });
    Ok(pb::PushOptions {
        period_start_time: Some(args.period_start),
        period_end_time: Some(args.period_end),
        as_of_time: args.as_of,
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
        // Version 1 is sent as the field's default, so that a push without
        // the newer inputs is the request it always was.
        metrics_version: if metrics_version == 1 {
            0
        } else {
            metrics_version
        },
        resolution_limits: args
            .resolution_limits
            .iter()
            .map(|(p, m)| pb::PriorityLimit {
                priority: p.clone(),
                limit_minutes: *m,
            })
            .collect(),
        default_resolution_limit_minutes: args.default_resolution_limit,
        strict_priorities: args.strict_priorities,
        calendars,
    })
}

/// Sends the options, then the file's rows in batches of `batch_size`,
/// until the file ends or the call does; what was read, by row.
fn send_rows<R: std::io::Read>(
    reader: &mut csv::Reader<Counting<R>>,
    columns: &Columns,
    breaks: &std::sync::Mutex<Breaks>,
    options: pb::PushOptions,
    batch_size: usize,
    tx: &tokio::sync::mpsc::Sender<pb::PushResponseTimesRequest>,
) -> Local {
    let first = pb::PushResponseTimesRequest {
        payload: Some(pb::push_response_times_request::Payload::Options(options)),
    };
    if tx.blocking_send(first).is_err() {
        return Local::default();
    }
    let mut batch = Vec::with_capacity(batch_size);
    let mut batch_bytes = 0;
    let mut full = false;
    let local = read_rows(reader, columns, breaks, |record| {
        // Each record's length prefix and tag take a few bytes more.
        batch_bytes += prost::Message::encoded_len(&record) + 4;
        batch.push(record);
        if batch.len() == batch_size || batch_bytes >= MAX_BATCH_BYTES {
            batch_bytes = 0;
            let records = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
            let message = pb::PushResponseTimesRequest {
                payload: Some(pb::push_response_times_request::Payload::Batch(
                    pb::TicketBatch { records },
                )),
            };
            if tx.blocking_send(message).is_err() {
                full = true;
                return false;
            }
        }
        true
    });
    if !full && !batch.is_empty() {
        let message = pb::PushResponseTimesRequest {
            payload: Some(pb::push_response_times_request::Payload::Batch(
                pb::TicketBatch { records: batch },
            )),
        };
        let _ = tx.blocking_send(message);
    }
    local
}

pub async fn push(args: PushArgs) -> Result<ExitCode, CliError> {
    let (calendar, calendars) = read_calendars(&args)?;
    let file = std::fs::File::open(&args.file).map_err(|source| CliError::File {
        path: args.file.clone(),
        source,
    })?;
    let breaks = std::sync::Arc::new(std::sync::Mutex::new(Breaks::default()));
    let mut reader = csv::Reader::from_reader(Counting {
        inner: std::io::BufReader::new(file),
        breaks: breaks.clone(),
    });
    let columns = Columns::from_header(
        reader.headers().map_err(CsvError::from)?,
        args.status_map.clone(),
    )
    .map_err(|source| CliError::CsvFile {
        path: args.file.clone(),
        source,
    })?;
    let options = push_options(&args, &columns, calendar, calendars)?;

    // Rows are read on a blocking thread and sent through a small channel:
    // the file is never held in memory, whatever its size.
    let (tx, rx) = tokio::sync::mpsc::channel::<pb::PushResponseTimesRequest>(8);
    let batch_size = args.batch_size.max(1);
    let reader_task = tokio::task::spawn_blocking(move || {
        send_rows(&mut reader, &columns, &breaks, options, batch_size, &tx)
    });

    let channel = super::connect(&args.client).await?;
    let mut client = pb::ticket_stats_service_client::TicketStatsServiceClient::new(channel);
    let result = client.push_response_times(ReceiverStream::new(rx)).await;
    let local = reader_task.await.unwrap_or_default();
    let answer = match result {
        Ok(a) => a.into_inner(),
        Err(status) => {
            eprint!(
                "{}{}",
                super::print::status(&status),
                super::mtls_hint(&args.client, &status)
            );
            return Ok(super::exit_for(&status));
        }
    };
    if args.json {
        super::print::emit(&format!(
            "{}\n",
            json::to_json("scorecard.v1.PushResponseTimesResponse", &answer)?
        ))?;
        // Standard output is the answer alone; the rows this side could
        // not read, and the rows of the server's rejections, still show.
        eprint!(
            "{}{}",
            counts(&answer, &local),
            rejected_rows(&answer, &local)
        );
    } else {
        super::print::emit(&format!(
            "{}\n{}{}",
            counts(&answer, &local),
            summary(&answer),
            rejected_rows(&answer, &local)
        ))?;
    }
    let unused = answer.rejected_record_count + local.not_sent_count;
    Ok(if unused > 0 && !args.accept_rejects {
        ExitCode::from(EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads every row after the header: a record goes to `send` (which
/// answers false to stop), an unreadable row is noted with its line.
fn read_rows<R: std::io::Read>(
    reader: &mut csv::Reader<Counting<R>>,
    columns: &Columns,
    breaks: &std::sync::Mutex<Breaks>,
    mut send: impl FnMut(pb::TicketRecord) -> bool,
) -> Local {
    let mut local = Local::default();
    let row_at = |start: Option<&csv::Position>, fallback: u64| match (start, breaks.lock()) {
        (Some(p), Ok(mut breaks)) => breaks.row(p.byte()),
        _ => fallback,
    };
    for (ordinal, row) in (0u64..).zip(reader.byte_records()) {
        // The header is row 1; without a position, one line per record.
        let fallback = ordinal + 2;
        match row {
            Ok(r) => {
                let line = row_at(r.position(), fallback);
                match columns.record(&r) {
                    Ok(record) => {
                        local.rows.push(line);
                        if !send(record) {
                            return local;
                        }
                    }
                    Err(e) => local.not_sent(line, e.to_string()),
                }
            }
            Err(e) => {
                let line = row_at(e.position(), fallback);
                local.not_sent(line, e.to_string());
            }
        }
    }
    local
}

/// A CSV file's bytes read as `scorecard push-tickets` reads them: the
/// records it would send, each with its line, and the unreadable rows
/// (line, why), or why the header is unusable. For fuzzing the reader.
#[doc(hidden)]
pub fn read_csv(bytes: &[u8]) -> Result<CsvRows, CsvError> {
    let breaks = std::sync::Arc::new(std::sync::Mutex::new(Breaks::default()));
    let mut reader = csv::Reader::from_reader(Counting {
        inner: bytes,
        breaks: breaks.clone(),
    });
    let header = reader.headers()?.clone();
    let columns = Columns::from_header(&header, Vec::new())?;
    let mut records = Vec::new();
    let local = read_rows(&mut reader, &columns, &breaks, |r| {
        records.push(r);
        true
    });
    let lines = (0..local.rows.sent)
        .map(|i| local.rows.row(i).unwrap_or(0))
        .collect();
    Ok(CsvRows {
        records,
        lines,
        not_sent: local.not_sent,
        not_sent_count: local.not_sent_count,
    })
}

/// What [`read_csv`] read.
#[doc(hidden)]
#[derive(Debug)]
pub struct CsvRows {
    pub records: Vec<pb::TicketRecord>,
    /// The line of each record, in order.
    pub lines: Vec<u64>,
    pub not_sent: Vec<(u64, String)>,
    pub not_sent_count: u64,
}

/// How many records were accepted, rejected by the server and never sent
/// (unreadable rows): every row of the file is in one of them.
fn counts(a: &pb::PushResponseTimesResponse, local: &Local) -> String {
    format!(
        "records: {} accepted ({} outside the period), {} rejected by the server, {} not sent \
         (unreadable rows)\n",
        a.accepted_record_count,
        a.outside_period_record_count,
        a.rejected_record_count,
        local.not_sent_count
    )
}

/// The rejected rows by row number: the server's rejections (it lists its
/// first 100) and the rows not sent (this side lists its first 100).
fn rejected_rows(a: &pb::PushResponseTimesResponse, local: &Local) -> String {
    use std::fmt::Write;
    let mut listed: Vec<(Option<u64>, String)> = a
        .rejections
        .iter()
        .map(|r| {
            let row = local.rows.row(r.record_index);
            let place = match row {
                Some(row) => format!("row {row}"),
                None => format!("record #{} of the stream", r.record_index),
            };
            (row, format!("{place} {}: {}", r.ticket_id, r.reason))
        })
        .collect();
    listed.extend(
        local
            .not_sent
            .iter()
            .map(|(row, why)| (Some(*row), format!("row {row} not sent: {why}"))),
    );
    let mut s = String::new();
    if listed.is_empty() {
        return s;
    }
    listed.sort_by_key(|(row, _)| *row);
    let _ = writeln!(s, "rejected rows:");
    for (_, line) in &listed {
        let _ = writeln!(s, "  {line}");
    }
    let unlisted = (a.rejected_record_count + local.not_sent_count)
        .saturating_sub(u64::try_from(listed.len()).unwrap_or(u64::MAX));
    if unlisted > 0 {
        let _ = writeln!(s, "  … and {unlisted} more, counted but not listed");
    }
    s
}

/// Each employee's counts, metrics and percentiles, a blank line after each.
fn summary(a: &pb::PushResponseTimesResponse) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for e in &a.employees {
        let _ = writeln!(
            s,
            "employee {}: {} tickets, {} responded, {} breached, {} pending",
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
        for r in &e.rates {
            let _ = write!(
                s,
                "  {:<36} {} of {}",
                r.indicator_id, r.numerator_count, r.denominator_count
            );
            if !r.value_percent.is_empty() {
                let _ = write!(s, " = {} %", r.value_percent);
            }
            let _ = writeln!(s);
        }
        for b in &e.sla_breaches {
            if b.breached_count > 0 {
                let more = b.breached_count.saturating_sub(b.ticket_ids.len() as u64);
                let _ = write!(
                    s,
                    "  {} breached: {}",
                    b.indicator_id,
                    b.ticket_ids.join(", ")
                );
                if more > 0 {
                    let _ = write!(s, " … and {more} more");
                }
                let _ = writeln!(s);
            }
        }
        if !e.rates.is_empty() {
            let _ = writeln!(
                s,
                "  solved without response {}, reopened {}, first-contact flags overridden {}",
                e.solved_without_response_count,
                e.reopened_count,
                e.first_contact_flag_overridden_count
            );
        }
        let _ = writeln!(s);
    }
    if a.created_after_as_of_record_count > 0 {
        let _ = writeln!(
            s,
            "created after as_of (not counted): {}",
            a.created_after_as_of_record_count
        );
    }
    if a.unmatched_priority_record_count > 0 {
        let listed: Vec<String> = a
            .unmatched_priorities
            .iter()
            .map(|p| format!("{:?} {}", p.priority, p.record_count))
            .collect();
        let _ = writeln!(
            s,
            "priorities matching no limit (default used): {} records: {}",
            a.unmatched_priority_record_count,
            listed.join(", ")
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines that end with a lone CR (as old Mac files do) are lines: the
    /// records after the header are on lines 2 and 3, not all on line 1.
    /// Found by fuzzing (a lone CR inside the header).
    /// Columns are found by name, in any order and with spaces around
    /// the names; a column the file lacks reads as empty and one it has
    /// beyond the known ones is ignored.
    #[test]
    fn columns_are_read_by_name_in_any_order() {
        let text = "notes, priority ,created_time,employee_id,complaint,ticket_id\n\
                    anything,P1,2026-07-01T01:00:00Z,e7,yes,T-9\n";
        let rows = read_csv(text.as_bytes()).expect("the three columns are there");
        let [record] = rows.records.as_slice() else {
            panic!("{rows:?}")
        };
        assert_eq!(record.ticket_id, "T-9");
        assert_eq!(record.employee_id, "e7");
        assert_eq!(record.priority, "P1");
        assert!(record.complaint);
        assert!(!record.complex);
        // 2026-07-01T01:00:00Z: 20,635 days after 1970-01-01, plus 3,600 s.
        assert_eq!(
            record.created_time.as_ref().map(|t| t.seconds),
            Some(20_635 * 86_400 + 3_600)
        );
        assert_eq!(record.first_response_time, None);
        assert_eq!(record.calendar_name, "");
    }

    /// A known column twice is refused at the header, naming it: which of
    /// the two is meant cannot be told.
    #[test]
    fn a_column_named_twice_is_refused() {
        let text = "ticket_id,employee_id,created_time,priority,priority\n";
        let err = read_csv(text.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the header has the \"priority\" column more than once"
        );
        // Unknown columns may repeat.
        let text = "ticket_id,employee_id,created_time,x,x\n";
        assert!(read_csv(text.as_bytes()).is_ok());
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let text = "ticket_id,employee_id,created_time\rT-1,e1,2026-07-01T01:00:00Z\r\
                    T-2,e1,2026-07-01T02:00:00Z\r";
        let rows = read_csv(text.as_bytes()).expect("a header with the three columns");
        assert_eq!(rows.lines, [2, 3]);
        assert_eq!(rows.records.len(), 2);
        // CR LF is one line end: the same file with CR LF, the same lines.
        let rows = read_csv(text.replace('\r', "\r\n").as_bytes()).expect("header");
        assert_eq!(rows.lines, [2, 3]);
        // The fuzzer's input: a CR in the middle of the header cuts it at
        // "comp"; what follows is a row (line 2), unreadable for lack of
        // fields or read as a record, never on the header's line.
        let header =
            b"ticket_id,employee_id,created_time,comp\r\0\0lex,x\nT-1,e1,2026-07-01T01:00:00Z,1\n";
        let rows = read_csv(header).expect("the header has the three columns");
        let lines: Vec<u64> = rows
            .lines
            .iter()
            .copied()
            .chain(rows.not_sent.iter().map(|(l, _)| *l))
            .collect();
        assert!(lines.iter().all(|&l| l >= 2), "{lines:?}");
        assert_eq!(rows.lines.len() + rows.not_sent.len(), 2, "{rows:?}");
    }

    /// Rows are the lines records start on, with CR LF line ends, a blank
    /// line and a quoted line break: lines 1 header, 2 A, 3 blank, 4–5 B,
    /// 6 C. (The csv crate's own count gives 1, 2 and 5.)
    #[test]
    fn rows_are_the_lines_records_start_on() {
        let text = "h1,h2\r\nA,1\r\n\r\nB,\"x\r\ny\"\r\nC,3\n";
        let breaks = std::sync::Arc::new(std::sync::Mutex::new(Breaks::default()));
        let mut reader = csv::Reader::from_reader(Counting {
            inner: text.as_bytes(),
            breaks: breaks.clone(),
        });
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.expect("reads");
            let start = record.position().expect("a position").byte();
            rows.push((record[0].to_string(), breaks.lock().unwrap().row(start)));
        }
        let expected = [("A", 2), ("B", 4), ("C", 6)].map(|(id, row)| (id.to_string(), row));
        assert_eq!(rows, expected);
    }

    #[test]
    fn a_status_history_cell_reads_zendesk_names_and_mapped_ones() {
        let at = |t: &str| Some(timestamp(t).expect("a time"));
        let got = status_history(
            "2026-07-06T09:20:00+08:00 pending; 2026-07-07T10:00:00+08:00 Open;\
             2026-07-07T13:00:00+08:00 hold ;2026-07-07T13:30:00+08:00 On-Hold;\
             2026-07-07T14:30:00+08:00 closed; 2026-07-08T09:00:00+08:00 Waiting for  customer",
            &[parse_status_map("waiting for customer=pending").expect("a mapping")],
        )
        .expect("a history");
        let want = [
            ("2026-07-06T01:20:00Z", pb::TicketStatus::Pending),
            ("2026-07-07T02:00:00Z", pb::TicketStatus::Open),
            ("2026-07-07T05:00:00Z", pb::TicketStatus::OnHold),
            ("2026-07-07T05:30:00Z", pb::TicketStatus::OnHold),
            ("2026-07-07T06:30:00Z", pb::TicketStatus::Solved),
            ("2026-07-08T01:00:00Z", pb::TicketStatus::Pending),
        ]
        .map(|(t, s)| pb::StatusChange {
            change_time: at(t),
            status: s as i32,
        });
        assert_eq!(got, want);
        // An empty cell is no history; a trailing ';' is allowed.
        assert_eq!(status_history("  ", &[]).ok(), Some(vec![]));
        assert_eq!(
            status_history("2026-07-06T09:20:00+08:00 solved;", &[])
                .ok()
                .map(|h| h.len()),
            Some(1)
        );
    }

    #[test]
    fn a_bad_status_history_cell_names_the_change_and_why() {
        let err = status_history("2026-07-06T09:20:00+08:00 pending; 2026-07-07 open", &[])
            .expect_err("no time")
            .to_string();
        assert!(
            err.starts_with("status_history[1]: \"2026-07-07\" is not an RFC 3339 time"),
            "{err}"
        );
        let err = status_history("2026-07-06T09:20:00+08:00 escalated", &[])
            .expect_err("unknown")
            .to_string();
        assert_eq!(
            err,
            "status_history[0]: unknown status \"escalated\": expected OPEN, PENDING, ON_HOLD \
             or SOLVED (or map it with --status-map)"
        );
        let err = status_history("2026-07-06T09:20:00+08:00", &[])
            .expect_err("no status")
            .to_string();
        assert!(err.contains("is not \"TIME STATUS\""), "{err}");
        let err = status_history(
            "2026-07-06T09:20:00+08:00 open;; 2026-07-06T10:20:00+08:00 solved",
            &[],
        )
        .expect_err("an empty change")
        .to_string();
        assert_eq!(err, "status_history[1] is empty");
        assert!(parse_status_map("Escalated=URGENT").is_err());
    }

    #[test]
    fn stream_indexes_map_to_file_rows() {
        // Header on row 1; records sent from rows 2, 4 (row 3 unreadable),
        // 5 (spanning rows 5–6), 7 and 8: stream indexes 0 to 4.
        let mut rows = SentRows::default();
        for row in [2, 4, 5, 7, 8] {
            rows.push(row);
        }
        // Runs start where a row does not follow the one before: 0→2,
        // 1→4 (row 3 skipped), 3→7 (row 6 was the multi-line record's).
        assert_eq!(rows.runs, [(0, 2), (1, 4), (3, 7)]);
        let got: Vec<Option<u64>> = (0..6).map(|i| rows.row(i)).collect();
        assert_eq!(got, [Some(2), Some(4), Some(5), Some(7), Some(8), None]);
    }

    #[test]
    fn rejected_rows_are_counted_and_listed_by_row() {
        let mut local = Local::default();
        for row in [2, 4, 5] {
            local.rows.push(row);
        }
        local.not_sent(3, "created_time: not a time".to_owned());
        let answer = pb::PushResponseTimesResponse {
            accepted_record_count: 2,
            rejected_record_count: 1,
            rejections: vec![pb::RecordRejection {
                record_index: 2,
                ticket_id: "T-1".to_owned(),
                reason: "duplicate ticket id".to_owned(),
            }],
            ..Default::default()
        };
        assert_eq!(
            counts(&answer, &local),
            "records: 2 accepted (0 outside the period), 1 rejected by the server, \
             1 not sent (unreadable rows)\n"
        );
        assert_eq!(
            rejected_rows(&answer, &local),
            "rejected rows:\n  row 3 not sent: created_time: not a time\n  \
             row 5 T-1: duplicate ticket id\n"
        );
    }
}
