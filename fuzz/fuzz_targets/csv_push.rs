//! Raw bytes as a CSV file read by `scorecard push-tickets`: header,
//! rows, quoted line breaks, timestamps and flags. Any panic is a crash;
//! every row after the header is either sent or noted as not sent, and
//! the lines of the records sent rise with the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = scorecard::cli::read_csv(data) else {
        return;
    };
    assert_eq!(rows.records.len(), rows.lines.len());
    assert!(rows.not_sent.len() as u64 <= rows.not_sent_count);
    let mut previous = 1;
    for &line in &rows.lines {
        assert!(line > previous, "line {line} after line {previous}");
        previous = line;
    }
    for (line, reason) in &rows.not_sent {
        assert!(*line >= 2, "an unreadable row on line {line}");
        assert!(!reason.is_empty());
    }
});
