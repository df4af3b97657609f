//! The per-function profile (dask's `Profiler`): for each function, how many tasks of it
//! ran, how long they took in total and on average, and how many bytes they produced.

use std::fmt;
use std::time::Duration;

use super::trace::Trace;

/// One function's line of a [`Profile`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionProfile {
    /// The function, as in [`TaskRecord::name`](super::TaskRecord::name).
    pub name: String,
    /// How many of its tasks ran.
    pub calls: u64,
    /// How many of them failed.
    pub failures: u64,
    /// Their running time, added up.
    pub total: Duration,
    /// The longest of them.
    pub max: Duration,
    /// The bytes their values take, added up.
    pub bytes: u64,
}

impl FunctionProfile {
    /// The mean running time of a call.
    #[must_use]
    pub fn mean(&self) -> Duration {
        let calls = u32::try_from(self.calls).unwrap_or(u32::MAX).max(1);
        self.total / calls
    }
}

/// Per function, what its tasks cost, slowest in total first. `Display` prints it as a
/// table.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    functions: Vec<FunctionProfile>,
}

impl Profile {
    /// The profile of the tasks of `trace`.
    #[must_use]
    pub fn of(trace: &Trace) -> Profile {
        let mut functions: Vec<FunctionProfile> = Vec::new();
        let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for t in trace.tasks() {
            let i = *at.entry(t.name.as_str()).or_insert_with(|| {
                functions.push(FunctionProfile {
                    name: t.name.clone(),
                    calls: 0,
                    failures: 0,
                    total: Duration::ZERO,
                    max: Duration::ZERO,
                    bytes: 0,
                });
                functions.len() - 1
            });
            let f = &mut functions[i];
            f.calls += 1;
            f.failures += u64::from(t.failed);
            f.total += t.duration;
            f.max = f.max.max(t.duration);
            f.bytes += t.bytes;
        }
        functions.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
        Profile { functions }
    }

    /// The functions, slowest in total first.
    #[must_use]
    pub fn functions(&self) -> &[FunctionProfile] {
        &self.functions
    }

    /// The line of the function named `name`.
    #[must_use]
    pub fn function(&self, name: &str) -> Option<&FunctionProfile> {
        self.functions.iter().find(|f| f.name == name)
    }
}

impl Trace {
    /// The per-function profile of these tasks.
    #[must_use]
    pub fn profile(&self) -> Profile {
        Profile::of(self)
    }
}

/// A duration with a unit that fits: `812 ns`, `35.2 µs`, `4.07 ms`, `1.25 s`.
pub(crate) fn human(d: Duration) -> String {
    let ns = d.as_secs_f64() * 1e9;
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// A byte count with a binary unit that fits.
#[allow(
    clippy::cast_precision_loss,
    reason = "a byte count shown with three figures"
)]
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .functions
            .iter()
            .map(|p| p.name.chars().count())
            .chain([8])
            .max()
            .unwrap_or(8);
        writeln!(
            f,
            "{:<width$}  {:>7}  {:>10}  {:>10}  {:>10}  {:>10}",
            "function", "calls", "total", "mean", "max", "bytes"
        )?;
        for p in &self.functions {
            let failed = if p.failures > 0 {
                format!("  ({} failed)", p.failures)
            } else {
                String::new()
            };
            writeln!(
                f,
                "{:<width$}  {:>7}  {:>10}  {:>10}  {:>10}  {:>10}{failed}",
                p.name,
                p.calls,
                human(p.total),
                human(p.mean()),
                human(p.max),
                bytes(p.bytes),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::observe::record;
    use crate::task::{Op, task};
    use crate::{Lazy, strict};

    #[test]
    fn calls_times_and_bytes_add_up_per_function() {
        let rows: Vec<Lazy<Vec<f64>>> = (0..4_usize)
            .map(|i| {
                task(
                    Op::function("profile::tests::row"),
                    (Lazy::new(i),),
                    |(n,): (usize,)| vec![0.5; 100 + n],
                )
            })
            .collect();
        let total = rows.into_iter().fold(Lazy::new(0_usize), |count, row| {
            task(
                Op::function("profile::tests::count"),
                (count, row),
                |(n, row): (usize, Vec<f64>)| n + row.len(),
            )
        });
        let (n, trace) = record(|| strict(&total));
        assert_eq!(n, 406);
        let profile = trace.profile();
        let row = profile
            .function("profile::tests::row")
            .expect("a line per function");
        assert_eq!(row.calls, 4);
        assert_eq!(row.failures, 0);
        // Each row is a vector: 24 bytes, plus its buffer of 100 + i doubles.
        assert_eq!(row.bytes, 4 * 24 + 8 * (400 + 6));
        assert!(row.max <= row.total && row.mean() <= row.max);
        let count = profile.function("profile::tests::count").unwrap();
        assert_eq!((count.calls, count.bytes), (4, 4 * 8));
        let table = profile.to_string();
        let line = table
            .lines()
            .find(|l| l.starts_with("profile::tests::row "))
            .expect("a row in the table");
        assert!(line.contains(" 4 ") && line.contains("3.3 KiB"), "{table}");
        assert!(table.starts_with("function"), "{table}");
    }

    #[test]
    fn units_fit_the_numbers() {
        use std::time::Duration;
        assert_eq!(super::human(Duration::from_nanos(812)), "812 ns");
        assert_eq!(super::human(Duration::from_micros(4070)), "4.07 ms");
        assert_eq!(super::bytes(1000), "1000 B");
        assert_eq!(super::bytes(8 << 20), "8.0 MiB");
    }
}
