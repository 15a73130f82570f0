//! RenderReviewForm: the review scored as ScoreReview scores it, then laid
//! out as the printable form (scorecard-form).

use super::scoring::score;
use crate::api::pb;
use crate::api::status::ApiError;
use scorecard_core::rubric::Registry;
use scorecard_core::{Error, Violation};
use scorecard_form::{
    EmploymentType, Form, Header, MAX_NOTE_BYTES, MAX_SIGNER_BYTES, Notes, Signers,
};
use tonic::Status;

/// The media type of the form.
pub const MEDIA_TYPE: &str = "application/pdf";

/// Every note and signer name over its cap, as field violations.
fn check_lengths(notes: &Notes, signers: &Signers) -> Vec<Violation> {
    let mut v = Vec::new();
    let mut check = |field: &str, text: &str, cap: usize| {
        if text.len() > cap {
            v.push(Violation::new(
                field,
                format!("is {} bytes long; at most {cap}", text.len()),
            ));
        }
    };
    check("notes.strengths", &notes.strengths, MAX_NOTE_BYTES);
    check(
        "notes.areas_to_improve",
        &notes.areas_to_improve,
        MAX_NOTE_BYTES,
    );
    check(
        "notes.next_period_goals",
        &notes.next_period_goals,
        MAX_NOTE_BYTES,
    );
    check("notes.free_text", &notes.free_text, MAX_NOTE_BYTES);
    check("signers.supervisor", &signers.supervisor, MAX_SIGNER_BYTES);
    check("signers.employee", &signers.employee, MAX_SIGNER_BYTES);
    check("signers.hr", &signers.hr, MAX_SIGNER_BYTES);
    v
}

fn header(req: &pb::ScoreReviewRequest) -> Header {
    let employee = req.employee.clone().unwrap_or_default();
    let period = req.period.clone().unwrap_or_default();
    let employment_type = match pb::EmploymentType::try_from(employee.employment_type) {
        Ok(pb::EmploymentType::FullTime) => EmploymentType::FullTime,
        Ok(pb::EmploymentType::PartTime) => EmploymentType::PartTime,
        Ok(pb::EmploymentType::Contract) => EmploymentType::Contract,
        Ok(pb::EmploymentType::Intern) => EmploymentType::Intern,
        _ => EmploymentType::Unspecified,
    };
    Header {
        review_id: req.review_id.clone(),
        employee_id: employee.id,
        employee_name: employee.name,
        supervisor: employee.supervisor,
        department: employee.department,
        job_title: employee.job_title,
        employment_type,
        period_label: period.label,
        period_start: period.start_date,
        period_end: period.end_date,
    }
}

/// Scores and renders one request. Returns the rubric label for the log
/// alongside; errors are ScoreReview's (plus note lengths), or INTERNAL
/// if the PDF cannot be written.
pub fn render_form(
    registry: &Registry,
    req: pb::RenderReviewFormRequest,
) -> (String, Result<pb::RenderReviewFormResponse, Status>) {
    let Some(review) = req.review else {
        let absent = Error::Invalid(vec![Violation::new("review", "is required")]);
        return (String::new(), Err(ApiError(absent).into()));
    };
    let notes = req.notes.unwrap_or_default();
    let notes = Notes {
        strengths: notes.strengths,
        areas_to_improve: notes.areas_to_improve,
        next_period_goals: notes.next_period_goals,
        free_text: notes.free_text,
    };
    let signers = req.signers.unwrap_or_default();
    let signers = Signers {
        supervisor: signers.supervisor,
        employee: signers.employee,
        hr: signers.hr,
    };
    let too_long = check_lengths(&notes, &signers);
    let header = header(&review);
    let (label, scored) = score(registry, review);
    let scored = match (scored, too_long.is_empty()) {
        (Ok(s), true) => s,
        (Err(e), true) => return (label, Err(ApiError(e).into())),
        (Err(Error::Invalid(mut v)), false) => {
            v.extend(too_long);
            return (label, Err(ApiError::from(v).into()));
        }
        (_, false) => return (label, Err(ApiError::from(too_long).into())),
    };
    let form = Form {
        rubric: &scored.rubric,
        outcome: &scored.outcome,
        header: &header,
        notes: &notes,
        signers: &signers,
        service_version: crate::VERSION,
    };
    let answer = scorecard_form::render(&form)
        .map(|r| pb::RenderReviewFormResponse {
            size_bytes: r.pdf.len() as u64,
            pdf: r.pdf,
            media_type: MEDIA_TYPE.to_string(),
            page_count: u32::try_from(r.page_count).unwrap_or(u32::MAX),
        })
        .map_err(|e| Status::internal(e.to_string()));
    (label, answer)
}
