//! Render time of the worked example's form (examples/worked-example.json)
//! against scoring the same review in-process, the baseline of the ratio.
//!
//!   cargo bench -p scorecard-form --bench form

use criterion::{Criterion, criterion_group, criterion_main};
use scorecard_core::decimal::from_f64;
use scorecard_core::rubric::{BUILTIN_RUBRIC_ID, Registry};
use scorecard_core::scoring::{self, Entry, EntryInput, Review};
use scorecard_form::{EmploymentType, Form, Header, Notes, Signers};
use std::hint::black_box;

fn entries(value: &serde_json::Value) -> Vec<Entry> {
    value["entries"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| Entry {
                    indicator_id: e["indicator_id"].as_str().unwrap_or_default().to_string(),
                    input: EntryInput::Value(
                        from_f64(e["value"].as_f64().unwrap_or_default()).unwrap_or_default(),
                    ),
                    comment: String::new(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let text = include_str!("../../examples/worked-example.json");
    let json: serde_json::Value = serde_json::from_str(text).expect("the worked example");
    let registry = Registry::with_builtin();
    let rubric = registry
        .get(BUILTIN_RUBRIC_ID, None)
        .expect("the built-in rubric")
        .rubric
        .clone();
    let review = Review {
        review_id: "2026-Q3-e1024".into(),
        employee_id: "e1024".into(),
        period_label: "2026-Q3".into(),
        self_assessment: entries(&json["self_assessment"]),
        supervisor_assessment: entries(&json["supervisor_assessment"]),
        locale: scorecard_core::locale::Locale::parse("zh-CN"),
        ..Default::default()
    };
    let header = Header {
        review_id: "2026-Q3-e1024".into(),
        employee_id: "e1024".into(),
        employee_name: "Li Wei".into(),
        supervisor: "Zhang Min".into(),
        department: "After-sales technical support".into(),
        job_title: "Technical support manager".into(),
        employment_type: EmploymentType::FullTime,
        period_label: "2026-Q3".into(),
        period_start: "2026-07-01".into(),
        period_end: "2026-09-30".into(),
    };
    let (notes, signers) = (Notes::default(), Signers::default());
    let outcome = scoring::score(&rubric, &review).expect("the worked example scores");
    let form = Form {
        rubric: &rubric,
        outcome: &outcome,
        header: &header,
        notes: &notes,
        signers: &signers,
        service_version: "bench",
    };
    let rendered = scorecard_form::render(&form).expect("the form renders");
    eprintln!(
        "worked example form (zh-CN): {} bytes, {} page(s)",
        rendered.pdf.len(),
        rendered.page_count
    );
    c.bench_function("score_worked_example (baseline)", |b| {
        b.iter(|| scoring::score(black_box(&rubric), black_box(&review)))
    });
    c.bench_function("render_worked_example_form", |b| {
        b.iter(|| scorecard_form::render(black_box(&form)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
