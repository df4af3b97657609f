//! The timeline of a trace as inline SVG: one row per worker thread, one bar per task,
//! coloured by function, with a time axis; each bar's tooltip names its task.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::html::escape;
use super::profile::human;
use super::trace::Trace;

const WIDTH: f64 = 1100.0;
const LEFT: f64 = 150.0;
const ROW: f64 = 26.0;
const TOP: f64 = 24.0;

/// Colours for functions, in the order they first ran.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The timeline of `trace`; `None` when it has no tasks.
pub(crate) fn svg(trace: &Trace) -> Option<String> {
    if trace.tasks().is_empty() {
        return None;
    }
    let (start, end) = trace.span();
    let total = end
        .saturating_sub(start)
        .max(Duration::from_micros(1))
        .as_secs_f64();
    let scale = (WIDTH - LEFT - 10.0) / total;
    let mut rows: Vec<u32> = trace.tasks().iter().map(|t| t.thread).collect();
    rows.sort_unstable();
    rows.dedup();
    let row_of: HashMap<u32, usize> = rows.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let mut colours: HashMap<&str, &str> = HashMap::new();
    let height = TOP + ROW * row_count(&rows) + 8.0;
    let mut out = format!(
        "<svg class=\"lazy-timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n"
    );
    axis(&mut out, total, scale, height);
    for (i, thread) in rows.iter().enumerate() {
        let name = trace
            .threads()
            .get(*thread as usize)
            .map_or("?", String::as_str);
        let y = TOP + ROW * row_count(&rows[..i]);
        let _ = writeln!(
            out,
            "<text x=\"4\" y=\"{:.1}\">{}</text>",
            y + ROW / 2.0 + 4.0,
            escape(&crate::names::clip(name, 22))
        );
    }
    for t in trace.tasks() {
        let next = PALETTE[colours.len() % PALETTE.len()];
        let fill = *colours.entry(t.name.as_str()).or_insert(next);
        let x = LEFT + t.start.saturating_sub(start).as_secs_f64() * scale;
        let w = (t.duration.as_secs_f64() * scale).max(1.0);
        let y = TOP + ROW * row_count(&rows[..row_of[&t.thread]]) + 3.0;
        let stroke = if t.failed {
            " stroke=\"#b00\" stroke-width=\"2\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<rect class=\"lazy-bar\" x=\"{x:.2}\" y=\"{y:.1}\" width=\"{w:.2}\" height=\"{:.1}\" fill=\"{fill}\"{stroke}><title>{} ({}, {} on {})</title></rect>",
            ROW - 6.0,
            escape(&t.name),
            human(t.duration),
            t.key.short(),
            escape(
                trace
                    .threads()
                    .get(t.thread as usize)
                    .map_or("?", String::as_str)
            ),
        );
    }
    out.push_str("</svg>\n");
    Some(out)
}

#[allow(
    clippy::cast_precision_loss,
    reason = "a count of threads, far below 2^52"
)]
fn row_count(rows: &[u32]) -> f64 {
    rows.len() as f64
}

/// Ticks along the top: about eight, at round times.
fn axis(out: &mut String, total: f64, scale: f64, height: f64) {
    let raw = total / 8.0;
    let magnitude = 10_f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(raw);
    let mut t = 0.0;
    while t <= total * 1.0001 {
        let x = LEFT + t * scale;
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{height:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"12\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            TOP - 6.0,
            human(Duration::from_secs_f64(t))
        );
        t += step;
    }
}
