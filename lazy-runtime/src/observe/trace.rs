//! What the recorder noted, and its export as Chrome trace event JSON, which Perfetto and
//! `chrome://tracing` open.

use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::time::Duration;

use crate::exec::record::{Event, Slot};
use crate::key::Key;
use crate::names;

/// One run of a task.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskRecord {
    /// The function (or operation) with the module paths of its type arguments left out.
    pub name: String,
    /// The node's structural key.
    pub key: Key,
    /// The worker thread it ran on, as a position in [`Trace::threads`].
    pub thread: u32,
    /// When it began, since the recorder's epoch (the first time it was turned on).
    pub start: Duration,
    /// How long its function ran.
    pub duration: Duration,
    /// The size of the value it produced: the value itself, plus the buffer of vectors,
    /// strings and arrays. 0 when it failed.
    pub bytes: u64,
    /// Whether its function panicked.
    pub failed: bool,
}

/// The tasks that ran while the recorder was on, ordered by start time.
///
/// Invariant: every task's `thread` is a position in [`threads`](Trace::threads).
#[derive(Clone, Debug, Default)]
pub struct Trace {
    tasks: Vec<TaskRecord>,
    threads: Vec<String>,
}

impl Trace {
    pub(crate) fn from_events(drained: Vec<(std::sync::Arc<Slot>, Vec<Event>)>) -> Trace {
        let mut threads = vec![String::new(); drained.len()];
        let mut tasks = Vec::new();
        for (slot, events) in drained {
            let at = slot.index as usize;
            if at >= threads.len() {
                threads.resize(at + 1, String::new());
            }
            threads[at].clone_from(&slot.thread_name);
            tasks.extend(events.into_iter().map(|e| TaskRecord {
                name: names::readable(e.op.name),
                key: e.key,
                thread: slot.index,
                start: e.start,
                duration: e.duration,
                bytes: e.bytes,
                failed: e.failed,
            }));
        }
        tasks.sort_by_key(|t| (t.start, t.thread));
        Trace { tasks, threads }
    }

    /// The tasks, by start time.
    #[must_use]
    pub fn tasks(&self) -> &[TaskRecord] {
        &self.tasks
    }

    /// The names of the threads, by their id in [`TaskRecord::thread`].
    #[must_use]
    pub fn threads(&self) -> &[String] {
        &self.threads
    }

    /// From the first task's start to the last one's end (zero without tasks).
    #[must_use]
    pub fn span(&self) -> (Duration, Duration) {
        let start = self.tasks.iter().map(|t| t.start).min().unwrap_or_default();
        let end = self
            .tasks
            .iter()
            .map(|t| t.start + t.duration)
            .max()
            .unwrap_or_default();
        (start, end)
    }

    /// Chrome trace event JSON: one complete event (`"ph":"X"`) per task, named by its
    /// function, on its thread (`tid`), with `ts` and `dur` in microseconds; one metadata
    /// event (`"ph":"M"`) names each thread. Opens in Perfetto and `chrome://tracing`.
    #[must_use]
    pub fn to_chrome_json(&self) -> String {
        let mut out = String::from("{\"traceEvents\":[\n");
        let mut first = true;
        let mut sep = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push_str(",\n");
            }
        };
        let used: Vec<bool> = (0..self.threads.len())
            .map(|i| self.tasks.iter().any(|t| t.thread as usize == i))
            .collect();
        for (tid, name) in self.threads.iter().enumerate() {
            if used[tid] {
                sep(&mut out);
                let _ = write!(
                    out,
                    "{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":{tid},\"args\":{{\"name\":{}}}}}",
                    json_string(name)
                );
            }
        }
        for t in &self.tasks {
            sep(&mut out);
            let _ = write!(
                out,
                "{{\"name\":{},\"cat\":\"task\",\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":{},\"dur\":{},\"args\":{{\"key\":\"{}\",\"bytes\":{},\"failed\":{}}}}}",
                json_string(&t.name),
                t.thread,
                micros(t.start),
                micros(t.duration),
                t.key.short(),
                t.bytes,
                t.failed
            );
        }
        out.push_str("\n],\"displayTimeUnit\":\"ms\"}\n");
        out
    }

    /// Writes [`to_chrome_json`](Trace::to_chrome_json) to `path`.
    ///
    /// # Errors
    ///
    /// If the file cannot be written.
    pub fn write_chrome_json(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.to_chrome_json())
    }
}

/// Microseconds with three decimals, as JSON numbers.
fn micros(d: Duration) -> String {
    format!("{}.{:03}", d.as_micros(), d.subsec_nanos() % 1000)
}

/// `s` as a JSON string literal.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::observe::record;
    use crate::task::{Op, task};
    use crate::{Lazy, strict};

    fn fan() -> Lazy<u64> {
        let leaves: Vec<Lazy<u64>> = (0..8_u64)
            .map(|i| {
                task(
                    Op::function("trace::tests::slow\"quoted\""),
                    (Lazy::new(i),),
                    |(x,): (u64,)| {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        x + 1
                    },
                )
            })
            .collect();
        leaves
            .into_iter()
            .reduce(|a, b| {
                task(
                    Op::function("trace::tests::sum"),
                    (a, b),
                    |(a, b): (u64, u64)| a + b,
                )
            })
            .expect("eight leaves")
    }

    #[test]
    fn the_chrome_json_is_a_valid_trace_event_file() {
        let top = fan();
        let (value, trace) = record(|| strict(&top));
        assert_eq!(value, (1..=8).sum::<u64>());
        let ours = |name: &str| name.starts_with("trace::tests::");
        assert_eq!(
            trace.tasks().iter().filter(|t| ours(&t.name)).count(),
            15,
            "{:?}",
            trace.tasks()
        );
        let json: Value = serde_json::from_str(&trace.to_chrome_json()).expect("valid JSON");
        let events = json["traceEvents"].as_array().expect("a traceEvents array");
        let complete: Vec<&Value> = events
            .iter()
            .filter(|e| e["ph"] == "X" && e["name"].as_str().is_some_and(ours))
            .collect();
        assert_eq!(complete.len(), 15);
        for e in &complete {
            assert!(e["name"].is_string() && e["cat"] == "task");
            assert_eq!(e["pid"], 1);
            let tid = e["tid"].as_u64().expect("an integer tid");
            assert!(
                events
                    .iter()
                    .any(|m| m["ph"] == "M" && m["name"] == "thread_name" && m["tid"] == tid),
                "every thread used is named"
            );
            assert!(e["ts"].as_f64().expect("ts in microseconds") >= 0.0);
            assert!(e["dur"].as_f64().expect("dur in microseconds") >= 0.0);
            assert!(e["args"]["bytes"].as_u64().is_some());
        }
        let slow: Vec<&&Value> = complete
            .iter()
            .filter(|e| e["name"] == "trace::tests::slow\"quoted\"")
            .collect();
        assert_eq!(slow.len(), 8, "names are the functions', escaped");
        assert!(slow.iter().all(|e| e["dur"].as_f64().unwrap() >= 2000.0));
        let last = complete
            .iter()
            .filter(|e| e["name"] == "trace::tests::sum")
            .max_by(|a, b| {
                a["ts"]
                    .as_f64()
                    .unwrap()
                    .total_cmp(&b["ts"].as_f64().unwrap())
            })
            .expect("sums");
        let end = |e: &Value| e["ts"].as_f64().unwrap() + e["dur"].as_f64().unwrap();
        assert!(
            complete.iter().all(|e| end(e) <= end(last) + 0.001),
            "the last sum ends last: it reads everything"
        );
    }

    #[test]
    fn nothing_is_recorded_while_the_recorder_is_off() {
        let _alone = crate::observe::one_at_a_time();
        let _ = crate::observe::take_trace();
        let x = task(
            Op::function("trace::tests::unrecorded"),
            (Lazy::new(1_u8),),
            |(x,): (u8,)| x,
        );
        assert_eq!(strict(&x), 1);
        let trace = crate::observe::take_trace();
        assert!(
            trace
                .tasks()
                .iter()
                .all(|t| t.name != "trace::tests::unrecorded")
        );
    }
}
