//! Where everything goes: the form as a list of drawing operations per
//! page. Blocks (a table row, a score line, a row of the interview box) are
//! never cut: one that does not fit starts a new page, and a new page of
//! the indicator table repeats the table's column heads.

use crate::text::{self, Labels};
use crate::{EmploymentType, Form, RenderError};
use rust_decimal::Decimal;
use scorecard_core::decimal::{fixed, plain};
use scorecard_core::locale::Locale;
use scorecard_core::scoring::{IndicatorScore, InputSource};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// Left, right and top margin.
pub const MARGIN: f32 = 36.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where content starts on a page.
pub const TOP: f32 = MARGIN;
/// Where content must end on a page; the footer lies below.
pub const BOTTOM: f32 = PAGE_HEIGHT - 48.0;

const TABLE_SIZE: f32 = 7.5;
const TABLE_LINE: f32 = 8.5;
const TABLE_PAD: f32 = 1.75;
/// Height of a one-line row of the indicator table (each further line of a
/// wrapped cell adds 8.5 pt).
pub const TABLE_ROW_HEIGHT: f32 = TABLE_LINE + 2.0 * TABLE_PAD;
/// Height of the table's column heads, repeated on each page it runs onto.
pub const TABLE_HEADER_HEIGHT: f32 = TABLE_ROW_HEIGHT;
/// Indicator, points, target, rule, self, supervisor.
const COLUMNS: [f32; 6] = [168.0, 36.0, 60.0, 111.28, 74.0, 74.0];
/// Lines a table cell or a header value shows at most: any text within
/// its cap (256 bytes) fits, in the narrowest column.
const MAX_CELL_LINES: usize = 12;
/// Lines a value of the score table shows at most (the gap explanation,
/// the three largest losses).
const MAX_VALUE_LINES: usize = 40;
/// Lines an interview note shows at most: any 4,000 bytes of running text
/// fit (the widest letters take about 125 lines); only a note of many
/// short lines is cut.
const MAX_NOTE_LINES: usize = 200;
/// The smallest size a number in a narrow column is shrunk to, rather
/// than broken across lines.
const MIN_NUMBER_SIZE: f32 = 5.0;

const TEXT_SIZE: f32 = 8.0;
const TEXT_LINE: f32 = 10.5;
const RULE_GRAY: u8 = 150;
const SHADE_GRAY: u8 = 232;

/// One drawing operation, in points from the page's top-left corner; text
/// at its baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        gray: u8,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: u8,
    },
}

impl Op {
    fn down(&self, dy: f32) -> Op {
        match self.clone() {
            Op::Text { x, y, size, text } => Op::Text {
                x,
                y: y + dy,
                size,
                text,
            },
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                gray,
            } => Op::Line {
                x1,
                y1: y1 + dy,
                x2,
                y2: y2 + dy,
                width,
                gray,
            },
            Op::Rect { x, y, w, h, gray } => Op::Rect {
                x,
                y: y + dy,
                w,
                h,
                gray,
            },
        }
    }
}

/// Text widths from the font's advance widths.
pub struct Metrics {
    font: FontRef<'static>,
}

impl Metrics {
    pub fn new() -> Result<Self, RenderError> {
        FontRef::from_index(crate::FONT_DATA, 0)
            .map(|font| Metrics { font })
            .map_err(|e| RenderError(format!("the embedded font cannot be read: {e}")))
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let charmap = self.font.charmap();
        let glyphs = self
            .font
            .glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                let gid = charmap.map(c).unwrap_or_default();
                glyphs.advance_width(gid).unwrap_or(0.0)
            })
            .sum()
    }

    /// `text` broken into lines at most `width` wide: at spaces between
    /// words, anywhere between hanzi, inside a word only when it alone is
    /// too wide. Newlines start new lines. At most `max_lines`, the last
    /// ended with "…" when cut.
    pub fn wrap(&self, text: &str, size: f32, width: f32, max_lines: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for token in tokens(paragraph) {
                let candidate = format!("{line}{token}");
                if self.width(candidate.trim_end(), size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.trim().is_empty() {
                    lines.push(line.trim_end().to_string());
                }
                line = String::new();
                let token = token.trim_start();
                for c in token.chars() {
                    let candidate = format!("{line}{c}");
                    if self.width(&candidate, size) > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = candidate;
                    }
                }
            }
            lines.push(line.trim_end().to_string());
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                while !last.is_empty() && self.width(&format!("{last}…"), size) > width {
                    last.pop();
                }
                last.push('…');
            }
        }
        lines
    }
}

impl Metrics {
    /// `text` on one line at most `width` wide: whole when it fits, else
    /// cut at a character and ended with "…".
    pub fn clipped(&self, text: &str, size: f32, width: f32) -> String {
        if self.width(text, size) <= width {
            return text.to_string();
        }
        let mut out: String = text.to_string();
        while !out.is_empty() && self.width(&format!("{out}…"), size) > width {
            out.pop();
        }
        out.push('…');
        out
    }
}

fn is_wide(c: char) -> bool {
    c >= '\u{2E80}'
}

/// Words with their trailing spaces, and each wide character on its own.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        if is_wide(c) {
            if start < i {
                out.push(&text[start..i]);
            }
            let end = i + c.len_utf8();
            out.push(&text[i..end]);
            start = end;
            in_space = false;
        } else if c == ' ' {
            in_space = true;
        } else if in_space {
            out.push(&text[start..i]);
            start = i;
            in_space = false;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A piece of the form that is never cut, laid out from its own top.
#[derive(Default)]
struct Block {
    height: f32,
    ops: Vec<Op>,
}

impl Block {
    fn text(&mut self, x: f32, y: f32, size: f32, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() {
            self.ops.push(Op::Text { x, y, size, text });
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.ops.push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            gray: RULE_GRAY,
        });
    }

    fn shade(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.ops.push(Op::Rect {
            x,
            y,
            w,
            h,
            gray: SHADE_GRAY,
        });
    }
}

/// Pages being filled from the top.
struct Flow {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Flow {
    fn new() -> Self {
        Flow {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn fits(&self, height: f32) -> bool {
        self.y + height <= BOTTOM
    }

    fn at_top(&self) -> bool {
        self.y <= TOP
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Places `block` here, or at the top of a new page if it does not fit.
    fn place(&mut self, block: Block) {
        if !self.fits(block.height) && !self.at_top() {
            self.new_page();
        }
        let y = self.y;
        if let Some(page) = self.pages.last_mut() {
            page.extend(block.ops.iter().map(|op| op.down(y)));
        }
        self.y += block.height;
    }

    fn gap(&mut self, height: f32) {
        if !self.at_top() {
            self.y += height;
        }
    }
}

fn colon(locale: Locale) -> &'static str {
    match locale {
        Locale::En => ": ",
        Locale::ZhCn | Locale::ZhTw => "：",
    }
}

/// The baseline of the first line of text of `size` in a box whose top is
/// `top` and whose line height is `line`.
fn baseline(top: f32, size: f32, line: f32) -> f32 {
    top + (line - size) / 2.0 + size * 0.86
}

/// Lays out the whole form.
pub fn lay_out(form: &Form, m: &Metrics) -> Vec<Vec<Op>> {
    let locale = form.outcome.locale;
    let l = text::labels(locale);
    let mut flow = Flow::new();
    flow.place(title(form, m, l));
    flow.place(header(form, m, l));
    flow.gap(8.0);
    table(form, m, l, &mut flow);
    flow.gap(8.0);
    for block in scores(form, m, l) {
        flow.place(block);
    }
    flow.gap(8.0);
    for block in interview(form, m, l) {
        flow.place(block);
    }
    flow.gap(10.0);
    flow.place(signatures(form, m, l));
    let pages = flow.pages.len();
    for (i, page) in flow.pages.iter_mut().enumerate() {
        page.extend(footer(form, m, i + 1, pages));
    }
    flow.pages
}

fn title(form: &Form, m: &Metrics, l: &Labels) -> Block {
    let mut b = Block::default();
    let size = 16.0;
    let w = m.width(l.title, size);
    b.text(MARGIN + (CONTENT_WIDTH - w) / 2.0, 16.0, size, l.title);
    let name = form
        .rubric
        .names
        .get(form.outcome.locale, form.rubric.default_locale);
    let sub = format!("{name}（{} v{}）", form.rubric.id, form.rubric.version);
    let sub = m
        .wrap(&sub, 8.5, CONTENT_WIDTH, 1)
        .into_iter()
        .next()
        .unwrap_or_default();
    let w = m.width(&sub, 8.5);
    b.text(MARGIN + (CONTENT_WIDTH - w) / 2.0, 30.0, 8.5, sub);
    b.height = 38.0;
    b
}

fn header(form: &Form, m: &Metrics, l: &Labels) -> Block {
    let locale = form.outcome.locale;
    let h = form.header;
    let employee = match (h.employee_name.is_empty(), h.employee_id.is_empty()) {
        (false, false) => format!("{}（{}）", h.employee_name, h.employee_id),
        (true, _) => h.employee_id.clone(),
        (false, true) => h.employee_name.clone(),
    };
    let employment = l.employment[match h.employment_type {
        EmploymentType::Unspecified => 0,
        EmploymentType::FullTime => 1,
        EmploymentType::PartTime => 2,
        EmploymentType::Contract => 3,
        EmploymentType::Intern => 4,
    }];
    let mut period = h.period_label.clone();
    if !h.period_start.is_empty() || !h.period_end.is_empty() {
        period = format!("{period}（{} – {}）", h.period_start, h.period_end);
    }
    let cells = [
        (l.employee, employee),
        (l.supervisor, h.supervisor.clone()),
        (l.department, h.department.clone()),
        (l.employment_type, employment.to_string()),
        (l.job_title, h.job_title.clone()),
        (l.period, period),
    ];
    let mut b = Block::default();
    let half = CONTENT_WIDTH / 2.0;
    let mut y = 0.0;
    b.line(MARGIN, 0.0, MARGIN + CONTENT_WIDTH, 0.0, 0.6);
    for pair in cells.chunks(2) {
        let laid: Vec<(String, Vec<String>, f32)> = pair
            .iter()
            .map(|(label, value)| {
                let label = format!("{label}{}", colon(locale));
                let lw = m.width(&label, TEXT_SIZE);
                let lines = m.wrap(value, TEXT_SIZE, half - lw - 8.0, MAX_CELL_LINES);
                (label, lines, lw)
            })
            .collect();
        let rows = laid.iter().map(|c| c.1.len()).max().unwrap_or(1).max(1);
        for (i, (label, lines, lw)) in laid.into_iter().enumerate() {
            let x = MARGIN + 2.0 + i as f32 * half;
            let base = baseline(y + 2.0, TEXT_SIZE, TEXT_LINE);
            b.text(x, base, TEXT_SIZE, label);
            for (k, line) in lines.into_iter().enumerate() {
                b.text(x + lw, base + k as f32 * TEXT_LINE, TEXT_SIZE, line);
            }
        }
        y += rows as f32 * TEXT_LINE + 4.0;
    }
    b.line(MARGIN, y, MARGIN + CONTENT_WIDTH, y, 0.6);
    b.height = y;
    b
}

/// The columns that hold numbers (points; self and supervisor value →
/// points): a number wider than its column is shrunk, never broken.
const NUMBER_COLUMNS: [usize; 3] = [1, 4, 5];

/// A table row: each column's text, wrapped to its width.
fn row(m: &Metrics, cells: [&str; 6], shaded: bool) -> Block {
    let mut b = Block::default();
    let wrapped: Vec<(Vec<String>, f32)> = cells
        .iter()
        .zip(COLUMNS)
        .enumerate()
        .map(|(i, (text, w))| {
            let room = w - 2.0 * TABLE_PAD;
            let size = if NUMBER_COLUMNS.contains(&i) {
                number_size(m, text, room)
            } else {
                TABLE_SIZE
            };
            (m.wrap(text, size, room, MAX_CELL_LINES), size)
        })
        .collect();
    let lines = wrapped.iter().map(|c| c.0.len()).max().unwrap_or(1).max(1);
    b.height = lines as f32 * TABLE_LINE + 2.0 * TABLE_PAD;
    if shaded {
        b.shade(MARGIN, 0.0, CONTENT_WIDTH, b.height);
    }
    let mut x = MARGIN;
    for ((cell, size), w) in wrapped.into_iter().zip(COLUMNS) {
        for (k, line) in cell.into_iter().enumerate() {
            let base = baseline(TABLE_PAD, size, TABLE_LINE) + k as f32 * TABLE_LINE;
            b.text(x + TABLE_PAD, base, size, line);
        }
        x += w;
    }
    b.line(MARGIN, b.height, MARGIN + CONTENT_WIDTH, b.height, 0.3);
    b
}

/// The table's size, or less, down to [`MIN_NUMBER_SIZE`], so that the
/// widest word of `text` (a number) fits `room` whole.
fn number_size(m: &Metrics, text: &str, room: f32) -> f32 {
    let widest = text
        .split(' ')
        .map(|word| m.width(word, TABLE_SIZE))
        .fold(0.0, f32::max);
    if widest <= room {
        TABLE_SIZE
    } else {
        // A hair under the exact ratio, so that rounding cannot break it.
        (TABLE_SIZE * room / widest * 0.98).max(MIN_NUMBER_SIZE)
    }
}

/// A dimension's title row: its name and weight across the table.
fn dimension_row(m: &Metrics, text: &str) -> Block {
    let mut b = Block::default();
    let lines = m.wrap(text, TABLE_SIZE, CONTENT_WIDTH - 2.0 * TABLE_PAD, 1);
    b.height = TABLE_ROW_HEIGHT;
    b.shade(MARGIN, 0.0, CONTENT_WIDTH, b.height);
    for line in lines {
        b.text(
            MARGIN + TABLE_PAD,
            baseline(TABLE_PAD, TABLE_SIZE, TABLE_LINE),
            TABLE_SIZE,
            line,
        );
    }
    b.line(MARGIN, b.height, MARGIN + CONTENT_WIDTH, b.height, 0.3);
    b
}

fn score_cell(s: &IndicatorScore, precision: u32) -> String {
    match (s.source, s.value) {
        (InputSource::Missing, _) => "—".to_string(),
        (_, Some(value)) => format!("{} → {}", plain(value), fixed(s.points, precision)),
        (_, None) => fixed(s.points, precision),
    }
}

fn table(form: &Form, m: &Metrics, l: &Labels, flow: &mut Flow) {
    let locale = form.outcome.locale;
    let r = form.rubric;
    let o = form.outcome;
    let p = r.precision;
    let head = || {
        row(
            m,
            [
                l.indicator,
                l.points,
                l.target,
                l.rule,
                l.self_score,
                l.supervisor_score,
            ],
            true,
        )
    };
    // The heads go with at least the first row below them.
    let mut first = true;
    let mut ordinal = 0;
    for (d, dimension) in r.dimensions.iter().enumerate() {
        let (weight, max_score) = r.shown.dimensions.get(d).cloned().unwrap_or_default();
        let name = dimension.names.get(locale, r.default_locale);
        let title = dimension_row(m, &format!("{name} · {} {weight}%", l.weight));
        let mut rows = Vec::new();
        for indicator in &dimension.indicators {
            let (target, points) = r.shown.indicators.get(ordinal).cloned().unwrap_or_default();
            let own = o
                .self_score
                .indicators
                .get(ordinal)
                .map(|s| score_cell(s, p))
                .unwrap_or_default();
            let sup = o
                .supervisor_score
                .indicators
                .get(ordinal)
                .map(|s| score_cell(s, p))
                .unwrap_or_default();
            let rule = &indicator.rule;
            rows.push(row(
                m,
                [
                    indicator.names.get(locale, r.default_locale),
                    &points,
                    &text::target(locale, indicator.unit, rule.direction, &target),
                    &text::rule(
                        locale,
                        indicator.unit,
                        rule.direction,
                        rule.rounding,
                        &plain(rule.step),
                        &plain(rule.penalty),
                    ),
                    &own,
                    &sup,
                ],
                false,
            ));
            ordinal += 1;
        }
        let subtotal = |s: &scorecard_core::scoring::RaterScore| {
            s.dimensions
                .get(d)
                .map(|x| fixed(x.score, p))
                .unwrap_or_default()
        };
        rows.push(row(
            m,
            [
                l.subtotal,
                &max_score,
                "",
                "",
                &subtotal(&o.self_score),
                &subtotal(&o.supervisor_score),
            ],
            false,
        ));
        // A dimension's title stays with its first row.
        let together = title.height + rows.first().map(|b| b.height).unwrap_or(0.0);
        let heads = if first { TABLE_HEADER_HEIGHT } else { 0.0 };
        if !flow.fits(heads + together) && !flow.at_top() {
            flow.new_page();
            first = true;
        }
        if first || flow.at_top() {
            flow.place(head());
            first = false;
        }
        flow.place(title);
        for block in rows {
            if !flow.fits(block.height) {
                flow.new_page();
                flow.place(head());
            }
            flow.place(block);
        }
    }
}

/// A label and a value on one line of the score table.
fn labelled(m: &Metrics, label: &str, value: &str) -> Block {
    let mut b = Block::default();
    let lw = 130.0;
    let lines = m.wrap(value, TEXT_SIZE, CONTENT_WIDTH - lw - 4.0, MAX_VALUE_LINES);
    b.height = lines.len().max(1) as f32 * TEXT_LINE + 2.0;
    let base = baseline(1.0, TEXT_SIZE, TEXT_LINE);
    b.text(MARGIN + 2.0, base, TEXT_SIZE, label);
    for (k, line) in lines.into_iter().enumerate() {
        b.text(MARGIN + lw, base + k as f32 * TEXT_LINE, TEXT_SIZE, line);
    }
    b.line(MARGIN, b.height, MARGIN + CONTENT_WIDTH, b.height, 0.3);
    b
}

/// The largest losses the score table lists.
const SHOWN_LOSSES: usize = 3;

/// `first` with `second` below it, as one block: a heading kept with what
/// it heads.
fn joined(first: Block, second: Block) -> Block {
    let mut b = first;
    let dy = b.height;
    b.ops.extend(second.ops.iter().map(|op| op.down(dy)));
    b.height += second.height;
    b
}

fn heading(text: &str) -> Block {
    let mut b = Block::default();
    b.text(MARGIN, 10.0, 9.5, text);
    b.height = 14.0;
    b
}

fn scores(form: &Form, m: &Metrics, l: &Labels) -> Vec<Block> {
    let r = form.rubric;
    let o = form.outcome;
    let locale = o.locale;
    let p = r.precision;
    let hundred = Decimal::ONE_HUNDRED;
    let a = (r.blend.self_percent / hundred).normalize();
    let b = (r.blend.supervisor_percent / hundred).normalize();
    let (own, sup) = (o.self_score.total, o.supervisor_score.total);
    let exact = (a * own + b * sup).normalize();
    let final_text = fixed(o.final_score, p);
    // A blend that is exact already is shown to the precision, as the
    // answer shows it; else exact, then rounded.
    let result = if exact == o.final_score {
        final_text.clone()
    } else {
        format!("{} → {final_text}", plain(exact))
    };
    let formula = format!(
        "{a} × {} + {b} × {} = {result}",
        fixed(own, p),
        fixed(sup, p)
    );
    let coefficient = fixed(o.bonus_coefficient, 4);
    let band = o
        .grade_band
        .and_then(|i| r.grade_bands.get(i).map(|g| (i, g)));
    let bonus = match band {
        Some((_, g)) => format!(
            "{} {} = {coefficient}",
            l.band_coefficient,
            g.names.get(locale, r.default_locale)
        ),
        None => format!("{final_text} / 100 = {coefficient}"),
    };
    let grade = match band {
        Some((i, g)) => {
            let (min, max, _) = r.shown.bands.get(i).cloned().unwrap_or_default();
            format!("{}（{min} – {max}）", g.names.get(locale, r.default_locale))
        }
        None => l.no_grade.to_string(),
    };
    // The heading stays with the first line under it.
    let mut blocks = vec![
        joined(heading(l.scores), labelled(m, l.self_total, &fixed(own, p))),
        labelled(m, l.supervisor_total, &fixed(sup, p)),
        labelled(m, l.final_score, &formula),
    ];
    if !o.complete {
        // A partial review's score is not final: said right under it,
        // with the highest final score the missing indicators leave open.
        let reachable = format!("{} · {}", fixed(o.max_reachable_final, p), l.incomplete);
        blocks.push(labelled(m, l.reachable, &reachable));
    }
    blocks.push(labelled(m, l.bonus, &bonus));
    blocks.push(labelled(m, l.grade, &grade));
    let gap = o.text(o.gap_explanation);
    if !gap.trim().is_empty() {
        blocks.push(labelled(m, l.gap, gap.trim()));
    }
    // The three largest; a tie at the third is broken in rubric order, as
    // the answer orders them (its list has every loss).
    let losses: Vec<String> = o
        .losses
        .iter()
        .take(SHOWN_LOSSES)
        .enumerate()
        .map(|(i, loss)| format!("{}. {}", i + 1, o.text(loss.explanation)))
        .collect();
    let losses = if losses.is_empty() {
        l.no_losses.to_string()
    } else {
        losses.join("\n")
    };
    blocks.push(labelled(m, l.losses, &losses));
    blocks
}

fn interview(form: &Form, m: &Metrics, l: &Labels) -> Vec<Block> {
    let n = form.notes;
    let cells = [
        (l.strengths, &n.strengths),
        (l.improve, &n.areas_to_improve),
        (l.goals, &n.next_period_goals),
        (l.notes, &n.free_text),
    ];
    let mut blocks = Vec::new();
    for pair in cells.chunks(2) {
        let labels: Vec<&str> = pair.iter().map(|(label, _)| *label).collect();
        let laid: Vec<Vec<String>> = pair
            .iter()
            .map(|(_, note)| {
                if note.trim().is_empty() {
                    Vec::new()
                } else {
                    m.wrap(note.trim(), TEXT_SIZE, NOTE_HALF - 12.0, MAX_NOTE_LINES)
                }
            })
            .collect();
        blocks.extend(note_pair(&labels, &laid));
    }
    // The heading stays with the box's first block.
    if let Some(first) = blocks.first_mut() {
        *first = joined(heading(l.interview), std::mem::take(first));
    }
    blocks
}

/// Half the content width: one interview note's column.
const NOTE_HALF: f32 = CONTENT_WIDTH / 2.0;
/// Top of the first line of a note, below its label.
const NOTE_HEAD: f32 = 14.0;
/// Space below the last line of a note.
const NOTE_FOOT: f32 = 4.0;
/// Ruled lines of an empty note, and their spacing.
const RULED_LINES: usize = 2;
const RULED_GAP: f32 = 13.0;

/// Two notes side by side, with their labels: one block when it fits a
/// page, else a block for the labels, one for each line and one closing
/// the box, so that a long note runs onto the next page whole.
fn note_pair(labels: &[&str], laid: &[Vec<String>]) -> Vec<Block> {
    let body = |lines: &Vec<String>| {
        if lines.is_empty() {
            RULED_LINES as f32 * RULED_GAP
        } else {
            lines.len() as f32 * TEXT_LINE
        }
    };
    let body_height = laid.iter().map(body).fold(0.0, f32::max);
    let columns = |b: &mut Block, height: f32| {
        for x in [MARGIN, MARGIN + NOTE_HALF, MARGIN + CONTENT_WIDTH] {
            b.line(x, 0.0, x, height, 0.5);
        }
    };
    let x_of = |i: usize| MARGIN + i as f32 * NOTE_HALF + 4.0;
    // The labels, the box's top and, for an empty note, its ruled lines.
    let head = |b: &mut Block| {
        b.line(MARGIN, 0.0, MARGIN + CONTENT_WIDTH, 0.0, 0.5);
        for (i, (label, lines)) in labels.iter().zip(laid).enumerate() {
            let x = x_of(i);
            b.text(x, 10.0, TEXT_SIZE, *label);
            if lines.is_empty() {
                for k in 1..=RULED_LINES {
                    let y = NOTE_HEAD + k as f32 * RULED_GAP - 2.0;
                    b.line(x, y, x + NOTE_HALF - 8.0, y, 0.3);
                }
            }
        }
    };
    let height = NOTE_HEAD + body_height + NOTE_FOOT;
    if height <= BOTTOM - TOP - 14.0 {
        let mut b = Block {
            height,
            ..Block::default()
        };
        head(&mut b);
        b.line(MARGIN, height, MARGIN + CONTENT_WIDTH, height, 0.5);
        columns(&mut b, height);
        for (i, lines) in laid.iter().enumerate() {
            for (k, line) in lines.iter().enumerate() {
                let base = baseline(NOTE_HEAD + k as f32 * TEXT_LINE, TEXT_SIZE, TEXT_LINE);
                b.text(x_of(i) + 2.0, base, TEXT_SIZE, line.clone());
            }
        }
        return vec![b];
    }
    // Too tall for a page: the rows of the box one by one. An empty note
    // beside a long one keeps its ruled lines in the head.
    let ruled = if laid.iter().any(Vec::is_empty) {
        RULED_LINES as f32 * RULED_GAP
    } else {
        0.0
    };
    let mut first = Block {
        height: NOTE_HEAD + ruled,
        ..Block::default()
    };
    head(&mut first);
    let first_height = first.height;
    columns(&mut first, first_height);
    let mut blocks = vec![first];
    let rows = laid.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..rows {
        let mut b = Block {
            height: TEXT_LINE,
            ..Block::default()
        };
        columns(&mut b, TEXT_LINE);
        for (i, lines) in laid.iter().enumerate() {
            if let Some(line) = lines.get(k) {
                b.text(
                    x_of(i) + 2.0,
                    baseline(0.0, TEXT_SIZE, TEXT_LINE),
                    TEXT_SIZE,
                    line.clone(),
                );
            }
        }
        blocks.push(b);
    }
    let mut last = Block {
        height: NOTE_FOOT,
        ..Block::default()
    };
    columns(&mut last, NOTE_FOOT);
    last.line(MARGIN, NOTE_FOOT, MARGIN + CONTENT_WIDTH, NOTE_FOOT, 0.5);
    blocks.push(last);
    blocks
}

fn signatures(form: &Form, m: &Metrics, l: &Labels) -> Block {
    let locale = form.outcome.locale;
    let h = form.header;
    let s = form.signers;
    let pick = |given: &str, default: &str| {
        if given.trim().is_empty() {
            default.to_string()
        } else {
            given.to_string()
        }
    };
    let mut signers = vec![
        (l.supervisor_sign, pick(&s.supervisor, &h.supervisor)),
        (l.employee_sign, pick(&s.employee, &h.employee_name)),
    ];
    if form.rubric.hr_signature {
        signers.push((l.hr_sign, s.hr.clone()));
    }
    let mut b = Block::default();
    let half = CONTENT_WIDTH / 2.0;
    // Two signatures a row. A name is printed under its signature line,
    // across the date's too when it is long (any 256 bytes fit); a row is
    // as tall as its longer name.
    let names: Vec<Vec<String>> = signers
        .iter()
        .enumerate()
        .map(|(i, (label, name))| {
            let x = MARGIN + (i % 2) as f32 * half;
            let lw = m.width(&format!("{label}{}", colon(locale)), TEXT_SIZE);
            m.wrap(
                name,
                NAME_SIZE,
                x + half - 12.0 - (x + lw + 4.0),
                MAX_NAME_LINES,
            )
        })
        .collect();
    let mut line_y = 22.0;
    let mut extra = 0.0;
    for (i, ((label, _), name)) in signers.iter().zip(&names).enumerate() {
        if i > 0 && i % 2 == 0 {
            line_y += SIGNATURE_ROW + extra;
        }
        if i % 2 == 0 {
            // The further lines of this row's longer name.
            let longest = names[i..names.len().min(i + 2)]
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(1);
            extra = longest.saturating_sub(1) as f32 * NAME_LINE;
        }
        let x = MARGIN + (i % 2) as f32 * half;
        let label = format!("{label}{}", colon(locale));
        let lw = m.width(&label, TEXT_SIZE);
        b.text(x, line_y - 2.0, TEXT_SIZE, label);
        let date = format!("{}{}", l.date, colon(locale));
        let dw = m.width(&date, TEXT_SIZE);
        let date_x = x + half - 96.0;
        b.line(x + lw + 2.0, line_y, date_x - 8.0, line_y, 0.5);
        for (k, line) in name.iter().enumerate() {
            let y = line_y + 9.0 + k as f32 * NAME_LINE;
            b.text(x + lw + 4.0, y, NAME_SIZE, line.clone());
        }
        b.text(date_x, line_y - 2.0, TEXT_SIZE, date);
        b.line(date_x + dw + 2.0, line_y, x + half - 12.0, line_y, 0.5);
    }
    b.height = line_y + 14.0 + extra;
    b
}

/// Height of each further row of signature lines.
const SIGNATURE_ROW: f32 = 28.0;
/// A signer's name under the line: its size, line height and most lines.
const NAME_SIZE: f32 = 7.0;
const NAME_LINE: f32 = 8.0;
const MAX_NAME_LINES: usize = 6;

fn footer(form: &Form, m: &Metrics, page: usize, pages: usize) -> Vec<Op> {
    let locale = form.outcome.locale;
    let l = text::labels(locale);
    let r = form.rubric;
    let size = 6.5;
    let top = PAGE_HEIGHT - 40.0;
    let mut b = Block::default();
    b.line(MARGIN, top, MARGIN + CONTENT_WIDTH, top, 0.4);
    let stamp = format!(
        "{} v{} · {} · scorecard {}",
        r.id, r.version, r.content_hash, form.service_version
    );
    for (k, line) in m
        .wrap(&stamp, size, CONTENT_WIDTH, 1)
        .into_iter()
        .enumerate()
    {
        b.text(MARGIN, top + 10.0 + k as f32 * 9.0, size, line);
    }
    // The period, the employee and the review (those given), each clipped
    // to a third of the room, then the locale.
    let h = form.header;
    let room = CONTENT_WIDTH - 100.0;
    let c = colon(locale);
    let clip = |text: String| m.clipped(&text, size, room / 3.0 - 8.0);
    let review = [
        (l.period, &h.period_label),
        (l.employee, &h.employee_id),
        (l.review, &h.review_id),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(label, value)| clip(format!("{label}{c}{value}")))
    .chain([locale.tag().to_string()])
    .collect::<Vec<_>>()
    .join(" · ");
    b.text(MARGIN, top + 19.0, size, review);
    let numbers = text::page_of(locale, page, pages);
    let w = m.width(&numbers, size);
    b.text(MARGIN + CONTENT_WIDTH - w, top + 19.0, size, numbers);
    b.ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_words_at_spaces_and_hanzi_anywhere() {
        let m = Metrics::new().unwrap();
        let w = m.width("alpha beta", 8.0);
        let lines = m.wrap("alpha beta gamma", 8.0, w + 0.5, 10);
        assert_eq!(lines, vec!["alpha beta", "gamma"]);
        let w = m.width("客户满意", 8.0);
        let lines = m.wrap("客户满意度调查", 8.0, w + 0.5, 10);
        assert_eq!(lines, vec!["客户满意", "度调查"]);
        let lines = m.wrap("a\n\nb", 8.0, 100.0, 10);
        assert_eq!(lines, vec!["a", "", "b"]);
        let lines = m.wrap("a\nb\nc\nd", 8.0, 100.0, 2);
        assert_eq!(lines, vec!["a", "b…"]);
    }

    #[test]
    fn every_fixed_character_is_in_the_font() {
        let font = FontRef::from_index(crate::FONT_DATA, 0).unwrap();
        let charmap = font.charmap();
        let mut all = String::from("≥≤→×–—…·：（）%Δ0123456789.-/");
        for locale in Locale::ALL {
            let l = text::labels(locale);
            for s in [
                l.title,
                l.employee,
                l.supervisor,
                l.department,
                l.employment_type,
                l.job_title,
                l.period,
                l.indicator,
                l.points,
                l.target,
                l.rule,
                l.self_score,
                l.supervisor_score,
                l.weight,
                l.subtotal,
                l.scores,
                l.self_total,
                l.supervisor_total,
                l.final_score,
                l.bonus,
                l.band_coefficient,
                l.grade,
                l.no_grade,
                l.gap,
                l.losses,
                l.no_losses,
                l.interview,
                l.strengths,
                l.improve,
                l.goals,
                l.notes,
                l.supervisor_sign,
                l.employee_sign,
                l.hr_sign,
                l.date,
                l.review,
                l.incomplete,
            ] {
                all.push_str(s);
            }
            all.extend(l.employment);
            all.push_str(&text::page_of(locale, 1, 2));
            all.push_str(
                "每低每超扣分按比例满一档计不足一档按一档滿一級計未滿一級以一級計分钟分鐘小时小時",
            );
        }
        let missing: String = all
            .chars()
            .filter(|c| !c.is_whitespace() && charmap.map(*c).is_none())
            .collect();
        assert_eq!(missing, "", "characters the font lacks");
    }
}
