//! RenderReviewForm over gRPC, read back with poppler (pdftotext, pdffonts,
//! pdfinfo) as an independent reader. Without poppler these tests fail
//! with a message saying so: they never pass by skipping.

use crate::common::*;
use scorecard::api::pb;
use scorecard_core::locale::Locale;
use scorecard_core::rubric::{BUILTIN_RUBRIC_ID, Registry};
use std::process::Command;
use tonic::Code;

/// Runs a poppler tool on `pdf` and returns its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{tool} cannot be run ({e}): these tests need poppler-utils \
                 (apt-get install -y poppler-utils; .ci/run installs it)"
            )
        });
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn request(review: pb::ScoreReviewRequest) -> pb::RenderReviewFormRequest {
    pb::RenderReviewFormRequest {
        review: Some(review),
        ..Default::default()
    }
}

async fn render(
    server: &TestServer,
    req: pb::RenderReviewFormRequest,
) -> pb::RenderReviewFormResponse {
    server
        .scoring()
        .await
        .render_review_form(req)
        .await
        .expect("the form renders")
        .into_inner()
}

fn pages(pdf: &[u8]) -> usize {
    let info = poppler("pdfinfo", &[], pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gave no page count:\n{info}"))
}

#[tokio::test]
async fn the_worked_example_form_shows_every_number_and_name_in_each_locale() {
    let server = TestServer::start().await;
    let registry = Registry::with_builtin();
    let rubric = registry
        .get(BUILTIN_RUBRIC_ID, None)
        .unwrap()
        .rubric
        .clone();
    // The worked example (docs/rubrics.md), worked by hand:
    // values as entered, self | supervisor where they differ;
    // dimension scores (Σ points of five indicators of 20 points):
    //   customer satisfaction 20+19.25+19.60+19+15 = 92.85 | 19.30+19.25+19.60+19+10 = 87.15
    //   problem solving 18+18+16+16+20 = 88.00 | 18+19.27+16+16+19.20 = 88.47
    //   team management 20+17.50+14+19+15 = 85.50 | 17.50+17.50+14+19+15 = 83.00
    //   service innovation 18+20+17.50+18+18 = 91.50 | 18+20+17.50+13.50+18 = 87.00
    // rater totals 0.4×92.85 + 0.3×88 + 0.2×85.5 + 0.1×91.5 = 89.79;
    //   0.4×87.15 + 0.3×88.47 + 0.2×83 + 0.1×87 = 86.70 (86.701 rounded);
    // final 0.3 × 89.79 + 0.7 × 86.70 = 26.937 + 60.69 = 87.627 → 87.63;
    // bonus coefficient 87.63 / 100 = 0.8763;
    // supervisor complex handling 131 min: 11 over, 11/15 × 1 = 0.73 off 20 → 19.27.
    let numbers = [
        // Values entered.
        "92",
        "93.5",
        "97.2",
        "83",
        "76",
        "150",
        "96",
        "91",
        "100",
        "80",
        "7",
        "78",
        "65",
        "90",
        "55",
        "88.6",
        "131",
        "88.4",
        "97.5",
        "-1.5",
        // Points, subtotals, totals, the formula.
        "19.27",
        "19.30",
        "10.00",
        "13.50",
        "92.85",
        "87.15",
        "88.00",
        "88.47",
        "85.50",
        "83.00",
        "91.50",
        "87.00",
        "89.79",
        "86.70",
        "87.627",
        "87.63",
        "0.8763",
        "0.3 × 89.79 + 0.7 × 86.70 = 87.627 → 87.63",
        "87.63 / 100 = 0.8763",
    ];
    let titles = [
        (Locale::ZhCn, "绩效评定表"),
        (Locale::ZhTw, "績效評定表"),
        (Locale::En, "Performance Review Form"),
    ];
    for (locale, title) in titles {
        let mut review = worked_example();
        review.locale = locale.tag().to_string();
        let answer = render(&server, request(review)).await;
        assert_eq!(answer.media_type, "application/pdf");
        assert_eq!(answer.size_bytes, answer.pdf.len() as u64);
        assert!(answer.pdf.starts_with(b"%PDF-"), "{locale}: not a PDF");
        // The built-in rubric fits one page.
        assert_eq!(answer.page_count, 1, "{locale}");
        assert_eq!(pages(&answer.pdf), 1, "{locale}");
        let text = poppler("pdftotext", &["-layout"], &answer.pdf);
        assert!(text.contains(title), "{locale}: no title {title}");
        for n in numbers {
            assert!(
                text.contains(n),
                "{locale}: {n} is not on the form:\n{text}"
            );
        }
        for (_, indicator) in rubric.indicators() {
            let name = indicator.names.get(locale, rubric.default_locale);
            assert!(text.contains(name), "{locale}: indicator {name} is missing");
        }
        for header in [
            "Li Wei",
            "Zhang Min",
            "e1024",
            "2026-Q3",
            "2026-07-01",
            "2026-09-30",
        ] {
            assert!(text.contains(header), "{locale}: {header} missing");
        }
        // The reproducibility stamp.
        for stamp in [
            rubric.id.as_str(),
            rubric.content_hash.as_str(),
            scorecard::VERSION,
        ] {
            assert!(text.contains(stamp), "{locale}: stamp {stamp} missing");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn the_font_is_embedded_as_a_subset_with_a_unicode_map() {
    let server = TestServer::start().await;
    for locale in ["zh-CN", "zh-TW", "en"] {
        let mut review = worked_example();
        review.locale = locale.into();
        let answer = render(&server, request(review)).await;
        let fonts = poppler("pdffonts", &[], &answer.pdf);
        assert_one_embedded_subset(&fonts);
    }
    server.stop().await;
}

/// `pdffonts` lists one font, a WenQuanYi subset, embedded, subset and
/// with a ToUnicode map.
fn assert_one_embedded_subset(fonts: &str) {
    // name type encoding emb sub uni object-id: one font, every flag yes.
    let rows: Vec<Vec<&str>> = fonts
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 1, "one font:\n{fonts}");
    let row = &rows[0];
    assert!(
        row[0].contains('+') && row[0].contains("WenQuanYi"),
        "a subset of WenQuanYi (its name has a tag+ prefix):\n{fonts}"
    );
    let n = row.len();
    assert_eq!(
        &row[n - 5..n - 2],
        &["yes", "yes", "yes"],
        "emb sub uni:\n{fonts}"
    );
}

#[tokio::test]
async fn notes_and_signers_are_printed() {
    let server = TestServer::start().await;
    let mut req = request(worked_example());
    req.notes = Some(pb::InterviewNotes {
        strengths: "Calm under escalations".into(),
        areas_to_improve: "Knowledge-base articles".into(),
        next_period_goals: "Five articles; zero major incidents".into(),
        free_text: "Agreed in the meeting of 2026-10-08".into(),
    });
    req.signers = Some(pb::Signers {
        supervisor: "Zhang Min (acting)".into(),
        employee: "Li Wei".into(),
        hr: String::new(),
    });
    let answer = render(&server, req).await;
    let text = poppler("pdftotext", &["-layout"], &answer.pdf);
    for s in [
        "Calm under escalations",
        "Knowledge-base articles",
        "Five articles; zero major incidents",
        "Agreed in the meeting of 2026-10-08",
        "Zhang Min (acting)",
    ] {
        assert!(text.contains(s), "{s} is not on the form:\n{text}");
    }
    server.stop().await;
}

/// An inline rubric of six dimensions of ten indicators (10 points each,
/// scored "at least 90", so a value of 90 earns full points).
fn sixty_indicators() -> pb::ScoreReviewRequest {
    let weights = [20.0, 20.0, 15.0, 15.0, 15.0, 15.0];
    let mut rubric = pb::Rubric {
        id: "sixty-indicators".into(),
        version: 1,
        names: [("en".to_string(), "Sixty indicators".to_string())].into(),
        default_locale: "en".into(),
        ..Default::default()
    };
    let spec: scorecard_core::rubric::RubricSpec =
        serde_json::from_str(scorecard_core::rubric::BUILTIN_RUBRIC_SOURCE).unwrap();
    let builtin = scorecard::api::convert::rubric_proto(&spec);
    rubric.blend = builtin.blend;
    rubric.grade_bands = builtin.grade_bands.clone();
    rubric.gap_threshold = builtin.gap_threshold;
    let template = builtin.dimensions[0].indicators[1].clone();
    let mut entries = Vec::new();
    for (d, weight) in weights.iter().enumerate() {
        let mut dimension = builtin.dimensions[0].clone();
        dimension.id = format!("d{d}");
        dimension.names = [("en".to_string(), format!("Dimension {d}"))].into();
        dimension.weight_percent = *weight;
        dimension.indicators = (0..10)
            .map(|i| {
                let mut indicator = template.clone();
                indicator.id = format!("d{d}_i{i}");
                indicator.names = [("en".to_string(), format!("Indicator {d}.{i}"))].into();
                indicator.full_points = 10.0;
                if let Some(rule) = indicator.rule.as_mut() {
                    rule.target = 90.0;
                }
                entries.push(pb::AssessmentEntry {
                    indicator_id: indicator.id.clone(),
                    input: Some(pb::assessment_entry::Input::Value(90.0)),
                    ..Default::default()
                });
                indicator
            })
            .collect();
        rubric.dimensions.push(dimension);
    }
    let mut review = worked_example();
    review.locale = "en".into();
    review.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(rubric));
    review.self_assessment = Some(pb::Assessment {
        entries: entries.clone(),
    });
    review.supervisor_assessment = Some(pb::Assessment { entries });
    review
}

#[tokio::test]
async fn sixty_indicators_flow_onto_a_second_page_without_cutting_a_row() {
    let server = TestServer::start().await;
    let answer = render(&server, request(sixty_indicators())).await;
    // Page 1 (A4, 841.89 pt; content from 36 to 841.89 − 48 = 793.89):
    // title 38 + header 3 × (10.5 + 4) = 43.5 + gap 8 → y = 125.5; column
    // heads 12 → 137.5; a dimension is a title row, ten rows and a
    // subtotal, 12 pt each = 144: d0..d3 end at 281.5, 425.5, 569.5,
    // 713.5; d4's title → 725.5 and rows 1-5 → 785.5; row 6 would end at
    // 797.5 > 793.89, so it starts page 2.
    // Page 2: heads 12 → 48, d4 rows 6-10 and subtotal → 120, d5 → 264;
    // gap 8, scores (heading 14 + seven one-line rows of 12.5) → 373.5;
    // gap 8, interview (heading 14 + two rows of 14 + 2 × 13 + 4 = 44)
    // → 483.5; gap 10, signatures 36 → 529.5: two pages.
    assert_eq!(answer.page_count, 2);
    assert_eq!(pages(&answer.pdf), 2);
    let first = poppler("pdftotext", &["-layout", "-f", "1", "-l", "1"], &answer.pdf);
    let second = poppler("pdftotext", &["-layout", "-f", "2", "-l", "2"], &answer.pdf);
    assert!(first.contains("Indicator 4.4") && !first.contains("Indicator 4.5"));
    assert!(second.contains("Indicator 4.5") && second.contains("Indicator 5.9"));
    // The column heads repeat on page 2, and every page is numbered.
    assert!(
        second.contains("Deduction rule"),
        "heads on page 2:\n{second}"
    );
    assert!(first.contains("Page 1 of 2") && second.contains("Page 2 of 2"));
    // Every row is whole on exactly one page.
    for d in 0..6 {
        for i in 0..10 {
            let name = format!("Indicator {d}.{i} ");
            let on = [&first, &second]
                .iter()
                .filter(|t| t.contains(&name))
                .count();
            assert_eq!(on, 1, "{name} on {on} pages");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_input_is_answered_as_score_review_answers_it() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let mut nan = worked_example();
    set_value(&mut nan.supervisor_assessment, 3, f64::NAN);
    let mut unknown = worked_example();
    unknown.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
        pb::RubricRef {
            id: "no-such-rubric".into(),
            version: 1,
        },
    ));
    let mut locale = worked_example();
    locale.locale = "fr".into();
    for (case, review) in [
        ("NaN", nan),
        ("unknown rubric", unknown),
        ("locale", locale),
    ] {
        let scored = client.score_review(review.clone()).await.unwrap_err();
        let formed = client
            .render_review_form(request(review))
            .await
            .unwrap_err();
        assert_ne!(scored.code(), Code::Ok);
        assert_eq!(formed.code(), scored.code(), "{case}");
        assert_eq!(formed.message(), scored.message(), "{case}");
        assert_eq!(bad_violations(&formed), bad_violations(&scored), "{case}");
    }
    // No review at all, and notes over their cap: the field path named.
    let absent = client
        .render_review_form(pb::RenderReviewFormRequest::default())
        .await
        .unwrap_err();
    assert_eq!(absent.code(), Code::InvalidArgument);
    assert_eq!(
        bad_violations(&absent),
        [("review".to_string(), "is required".to_string())]
    );
    let mut long = request(worked_example());
    long.notes = Some(pb::InterviewNotes {
        free_text: "x".repeat(4001),
        ..Default::default()
    });
    let too_long = client.render_review_form(long).await.unwrap_err();
    assert_eq!(too_long.code(), Code::InvalidArgument);
    assert_eq!(
        bad_violations(&too_long),
        [(
            "notes.free_text".to_string(),
            "is 4001 bytes long; at most 4000".to_string()
        )]
    );
    server.stop().await;
}

#[tokio::test]
async fn the_same_request_gives_the_same_bytes() {
    let server = TestServer::start().await;
    let first = render(&server, request(worked_example())).await;
    let second = render(&server, request(worked_example())).await;
    assert!(first.pdf == second.pdf, "two renders differ");
    // In-process (the CLI without --server) gives the same bytes too.
    let registry = Registry::with_builtin();
    let (_, offline) = scorecard::server::form::render_form(&registry, request(worked_example()));
    assert!(
        offline.unwrap().pdf == first.pdf,
        "in-process render differs"
    );
    // The review's view does not change the form: it prints every line
    // whatever the view asks of an answer.
    let summary = pb::ScoreReviewRequest {
        view: pb::ScoreReviewView::Summary as i32,
        ..worked_example()
    };
    let (_, summary) = scorecard::server::form::render_form(&registry, request(summary));
    assert!(
        summary.unwrap().pdf == first.pdf,
        "a SUMMARY view changes the form"
    );
    // And no creation date is written.
    let info = poppler("pdfinfo", &[], &first.pdf);
    assert!(!info.contains("CreationDate"), "{info}");
    server.stop().await;
}

// Multi-threaded: the child process is waited for on a test thread while
// the server keeps answering on the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_writes_the_same_bytes_offline_and_over_grpc_in_separate_runs() {
    let server = TestServer::start().await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/worked-example.json");
    let mut review = worked_example();
    review.locale = "zh-CN".into();
    let over_grpc = render(&server, request(review)).await.pdf;
    let dir = tempfile::tempdir().unwrap();
    let url = server.url();
    // Two offline runs (two processes) and one against the server.
    let runs: [&[&str]; 3] = [&[], &[], &["--server", url.as_str()]];
    for (n, extra) in runs.iter().enumerate() {
        let out_path = dir.path().join(format!("form-{n}.pdf"));
        let out = Command::new(env!("CARGO_BIN_EXE_scorecard"))
            .arg("form")
            .arg(example)
            .arg("-o")
            .arg(&out_path)
            .args(["--locale", "zh-CN"])
            .args(*extra)
            .env_remove("SCORECARD_SERVER")
            .env_remove("SCORECARD_RUBRICS")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "run {n}: {out:?}");
        let pdf = std::fs::read(&out_path).unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            said.contains(&format!("{} bytes, 1 page(s), application/pdf", pdf.len())),
            "run {n}: {said}"
        );
        assert!(pdf == over_grpc, "run {n}: the bytes differ from the RPC's");
    }
    // A refused review exits 3 with the field named, as `score` does, and
    // writes no file.
    let refused_path = dir.path().join("refused.pdf");
    let out = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .arg("form")
        .arg(example)
        .arg("-o")
        .arg(&refused_path)
        .args(["--locale", "fr"])
        .env_remove("SCORECARD_SERVER")
        .env_remove("SCORECARD_RUBRICS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("locale: \"fr\" is not supported"),
        "{out:?}"
    );
    assert!(!refused_path.exists());
    server.stop().await;
}

#[tokio::test]
async fn an_hr_signature_line_is_printed_when_the_rubric_asks_for_it() {
    let server = TestServer::start().await;
    let spec: scorecard_core::rubric::RubricSpec =
        serde_json::from_str(scorecard_core::rubric::BUILTIN_RUBRIC_SOURCE).unwrap();
    let builtin_hash = scorecard_core::rubric::validate(&spec)
        .unwrap()
        .content_hash;
    let mut with_hr = spec.clone();
    with_hr.hr_signature = true;
    // The flag is part of the rubric's content: a different hash, and the
    // canonical JSON names it; the built-in rubric's hash is unchanged.
    let validated = scorecard_core::rubric::validate(&with_hr).unwrap();
    assert!(validated.hr_signature);
    assert_ne!(validated.content_hash, builtin_hash);
    assert_eq!(
        Registry::with_builtin()
            .get(BUILTIN_RUBRIC_ID, None)
            .unwrap()
            .rubric
            .content_hash,
        builtin_hash
    );
    let canonical = serde_json::to_string(&scorecard_core::rubric::to_spec(&validated)).unwrap();
    assert!(canonical.contains("\"hr_signature\":true"), "{canonical}");
    assert!(
        !serde_json::to_string(&spec)
            .unwrap()
            .contains("hr_signature")
    );

    let mut rubric = scorecard::api::convert::rubric_proto(&with_hr);
    rubric.id = "with-hr-signature".into();
    assert!(rubric.hr_signature);
    for (locale, label, absent) in [
        ("en", "HR:", None),
        ("zh-CN", "人力资源部签字", Some("人力资源部签字")),
        ("zh-TW", "人力資源部簽名", Some("人力資源部簽名")),
    ] {
        let mut review = worked_example();
        review.locale = locale.into();
        // Without the flag (the built-in rubric): no HR line.
        if let Some(absent) = absent {
            let plain = render(&server, request(review.clone())).await;
            let text = poppler("pdftotext", &["-layout"], &plain.pdf);
            assert!(
                !text.contains(absent),
                "{locale}: an HR line without the flag"
            );
        }
        review.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(
            rubric.clone(),
        ));
        let mut req = request(review);
        req.signers = Some(pb::Signers {
            hr: "Wang Fang".into(),
            ..Default::default()
        });
        let answer = render(&server, req).await;
        // The second row of signatures still fits the one page.
        assert_eq!(answer.page_count, 1, "{locale}");
        let text = poppler("pdftotext", &["-layout"], &answer.pdf);
        for s in [label, "Wang Fang", "Zhang Min", "Li Wei"] {
            assert!(
                text.contains(s),
                "{locale}: {s} is not on the form:\n{text}"
            );
        }
    }
    // Its name is capped like the others.
    let mut long = request(worked_example());
    long.signers = Some(pb::Signers {
        hr: "x".repeat(257),
        ..Default::default()
    });
    let status = server
        .scoring()
        .await
        .render_review_form(long)
        .await
        .unwrap_err();
    assert_eq!(
        bad_violations(&status),
        [(
            "signers.hr".to_string(),
            "is 257 bytes long; at most 256".to_string()
        )]
    );
    server.stop().await;
}

/// Words `prefix0000`, `prefix0001`, … filling `bytes` bytes (each word
/// and its space are `prefix.len() + 5` bytes).
fn words(prefix: &str, bytes: usize) -> Vec<String> {
    (0..bytes / (prefix.len() + 5))
        .map(|i| format!("{prefix}{i:04}"))
        .collect()
}

/// Every word of four notes at their cap (4,000 bytes each) and of three
/// signers' names at theirs (256 bytes) is on the form: a long note runs
/// onto further pages, a long name onto further lines under its
/// signature, nothing is cut.
#[tokio::test]
async fn notes_and_names_at_their_caps_are_printed_whole() {
    let server = TestServer::start().await;
    let (s, a, g, f) = (
        words("S", 4000),
        words("A", 4000),
        words("G", 4000),
        words("F", 4000),
    );
    let (sup, emp) = (words("Sup", 256), words("Emp", 256));
    let mut req = request(worked_example());
    req.notes = Some(pb::InterviewNotes {
        strengths: s.join(" "),
        areas_to_improve: a.join(" "),
        next_period_goals: g.join(" "),
        free_text: f.join(" "),
    });
    req.signers = Some(pb::Signers {
        supervisor: sup.join(" "),
        employee: emp.join(" "),
        hr: String::new(),
    });
    let answer = render(&server, req).await;
    assert!(
        answer.page_count > 1,
        "four full notes take more than a page"
    );
    let text = poppler("pdftotext", &[], &answer.pdf);
    let printed: std::collections::HashSet<&str> = text.split_whitespace().collect();
    for word in s
        .iter()
        .chain(&a)
        .chain(&g)
        .chain(&f)
        .chain(&sup)
        .chain(&emp)
    {
        assert!(printed.contains(word.as_str()), "{word} is not on the form");
    }
    assert!(!text.contains('…'), "something was cut:\n{text}");
    server.stop().await;
}

/// Every page's footer names the review's period and employee beside the
/// review id and the locale.
#[tokio::test]
async fn the_footer_names_the_period_and_the_employee() {
    let server = TestServer::start().await;
    let mut review = worked_example();
    review.review_id = "RID-XYZ".into();
    review.locale = "en".into();
    let employee = review.employee.as_mut().unwrap();
    employee.id = "emp777".into();
    review.period.as_mut().unwrap().label = "2026-Q4".into();
    let answer = render(&server, request(review)).await;
    let text = poppler("pdftotext", &["-layout"], &answer.pdf);
    assert!(
        text.contains("Review period: 2026-Q4 · Employee: emp777 · Review: RID-XYZ · en"),
        "{text}"
    );
    server.stop().await;
}

/// At precision 5, "100.00000" is wider than the points column: it is
/// printed smaller, whole, not broken across lines.
#[tokio::test]
async fn a_number_wider_than_its_column_is_printed_whole() {
    let server = TestServer::start().await;
    let mut rubric = inline_builtin();
    rubric.id = "precision-5".into();
    rubric.precision = Some(5);
    for d in &mut rubric.dimensions {
        for i in &mut d.indicators {
            i.full_points *= 5.0;
        }
    }
    let mut review = worked_example();
    review.locale = "en".into();
    review.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(rubric));
    let answer = render(&server, request(review)).await;
    let text = poppler("pdftotext", &["-layout"], &answer.pdf);
    // Complaint resolution: 93.5 against at least 95, 0.5 per 1 % below,
    // now out of 100: 1.5 × 0.5 = 0.75 off, 99.25000 points.
    assert!(text.contains("100.00000"), "{text}");
    assert!(text.contains("93.5 → 99.25000"), "{text}");
    server.stop().await;
}

/// A partial review says so under its final score, with the highest final
/// score still reachable (the answer's), and a blend that is exact shows
/// the answer's precision.
#[tokio::test]
async fn a_partial_review_shows_what_is_still_reachable() {
    let server = TestServer::start().await;
    let mut review = worked_example();
    review.locale = "en".into();
    review.allow_partial = true;
    // The employee's own first five entries left out.
    let own = review.self_assessment.as_mut().unwrap();
    own.entries.drain(..5);
    let answer = server
        .scoring()
        .await
        .score_review(review.clone())
        .await
        .unwrap()
        .into_inner();
    assert!(!answer.complete);
    let form = render(&server, request(review)).await;
    let text = poppler("pdftotext", &["-layout"], &form.pdf);
    let reachable = format!(
        "Highest still reachable {} · Partial: indicators missing",
        answer.max_reachable_final_score
    );
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.contains(&reachable), "{reachable}:\n{text}");

    // Every indicator at full points: 0.3 × 100.00 + 0.7 × 100.00 is
    // exactly 100, shown as 100.00.
    let mut full = worked_example();
    full.locale = "en".into();
    let points: std::collections::HashMap<String, f64> = inline_builtin()
        .dimensions
        .iter()
        .flat_map(|d| &d.indicators)
        .map(|i| (i.id.clone(), i.full_points))
        .collect();
    for a in [&mut full.self_assessment, &mut full.supervisor_assessment] {
        for e in &mut a.as_mut().unwrap().entries {
            e.input = Some(pb::assessment_entry::Input::Points(points[&e.indicator_id]));
        }
    }
    let form = render(&server, request(full)).await;
    let text = poppler("pdftotext", &["-layout"], &form.pdf);
    assert!(
        text.contains("0.3 × 100.00 + 0.7 × 100.00 = 100.00"),
        "{text}"
    );
    assert!(!text.contains("Highest still reachable"), "{text}");
    server.stop().await;
}
