//! The printable review form: a scored review laid out as the source form's
//! 績效評定表 on A4, as PDF bytes. Pure and synchronous: nothing here knows
//! about tonic, prost or tokio.
//!
//! One font (WenQuanYi Micro Hei, shipped in `fonts/` with its licence)
//! draws every locale; krilla embeds a subset of it with a ToUnicode map,
//! so the text stays selectable. The same input gives the same bytes: no
//! creation date is written and every id krilla writes is a hash of the
//! content.

mod layout;
mod text;

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use layout::Op;
use scorecard_core::rubric::Rubric;
use scorecard_core::scoring::Outcome;
use std::sync::OnceLock;

pub use layout::{
    BOTTOM, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, TABLE_HEADER_HEIGHT, TABLE_ROW_HEIGHT, TOP,
};

/// The font every page is drawn in: WenQuanYi Micro Hei (Apache-2.0).
pub static FONT_DATA: &[u8] = include_bytes!("../fonts/wqy-microhei.ttc");

/// Longest interview note accepted, in bytes (each of the four).
pub const MAX_NOTE_BYTES: usize = 4000;

/// Longest signer name accepted, in bytes.
pub const MAX_SIGNER_BYTES: usize = 256;

/// The header block of the form: who, where, when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub review_id: String,
    pub employee_id: String,
    pub employee_name: String,
    pub supervisor: String,
    pub department: String,
    pub job_title: String,
    pub employment_type: EmploymentType,
    pub period_label: String,
    /// YYYY-MM-DD or empty.
    pub period_start: String,
    pub period_end: String,
}

/// The employment types of the form's header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EmploymentType {
    #[default]
    Unspecified,
    FullTime,
    PartTime,
    Contract,
    Intern,
}

/// What was said in the performance interview; empty fields are printed
/// as ruled blank lines to write on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    pub strengths: String,
    pub areas_to_improve: String,
    pub next_period_goals: String,
    pub free_text: String,
}

/// The names printed under the signature lines; empty: the header's
/// supervisor and employee (and no name under HR's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signers {
    pub supervisor: String,
    pub employee: String,
    /// Printed only when the rubric asks for an HR signature line.
    pub hr: String,
}

/// Everything one form shows.
pub struct Form<'a> {
    pub rubric: &'a Rubric,
    pub outcome: &'a Outcome,
    pub header: &'a Header,
    pub notes: &'a Notes,
    pub signers: &'a Signers,
    /// Version of the service that scored and rendered the form.
    pub service_version: &'a str,
}

/// Rendering failed: the font could not be read, or the PDF writer gave
/// up. Neither depends on the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rendering the review form: {}", self.0)
    }
}

impl std::error::Error for RenderError {}

fn font() -> Result<&'static Font, RenderError> {
    static FONT: OnceLock<Option<Font>> = OnceLock::new();
    FONT.get_or_init(|| Font::new(FONT_DATA.into(), 0))
        .as_ref()
        .ok_or_else(|| RenderError("the embedded font cannot be read".to_string()))
}

/// The number of pages `form` takes (the layout alone, no PDF written).
pub fn page_count(form: &Form) -> Result<usize, RenderError> {
    Ok(layout::lay_out(form, &layout::Metrics::new()?).len())
}

/// A rendered form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The PDF document.
    pub pdf: Vec<u8>,
    pub page_count: usize,
}

/// The form as a PDF document.
pub fn render(form: &Form) -> Result<Rendered, RenderError> {
    let metrics = layout::Metrics::new()?;
    let pages = layout::lay_out(form, &metrics);
    let font = font()?.clone();
    let mut document = Document::new();
    let labels = text::labels(form.outcome.locale);
    let name = form
        .rubric
        .names
        .get(form.outcome.locale, form.rubric.default_locale);
    document.set_metadata(
        Metadata::new()
            .title(format!("{} · {}", labels.title, name))
            .language(form.outcome.locale.tag().to_string())
            .creator(format!("scorecard {}", form.service_version))
            .document_id(format!(
                "{}|{}|{}",
                form.header.review_id, form.rubric.id, form.rubric.version
            )),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| RenderError("bad page size".to_string()))?;
    for ops in &pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text { x, y, size, text } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill::default()));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    gray,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: luma::Color::new(*gray).into(),
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Rect { x, y, w, h, gray } => {
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = krilla::geom::Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(rect);
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: luma::Color::new(*gray).into(),
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    let page_count = pages.len();
    document
        .finish()
        .map(|pdf| Rendered { pdf, page_count })
        .map_err(|e| RenderError(format!("{e:?}")))
}
