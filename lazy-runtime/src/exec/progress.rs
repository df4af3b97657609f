//! The progress bar: on a force from user code that runs longer than [`SHOW_AFTER`], a bar
//! on standard error with the tasks done and planned, the functions running, and the time
//! left.
//!
//! Runs only count: a finished task adds one to `record::DONE` and notes what its thread
//! runs (see `record.rs`). One poller thread, started the first time a force is watched,
//! reads them ten times a second while a force runs and parks otherwise; it alone draws.
//! With progress off, a force pays one relaxed load.

use std::sync::atomic::Ordering;
use std::sync::{LazyLock, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::Thread;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::record::{self, DONE, PROGRESS};

/// How long a force runs before its bar appears.
pub(crate) const SHOW_AFTER: Duration = Duration::from_secs(1);
/// How often the poller redraws.
const POLL: Duration = Duration::from_millis(100);

/// The forces being watched, together.
#[derive(Default)]
struct Watched {
    /// Forces running.
    active: u32,
    /// Tasks they planned.
    total: u64,
    /// `DONE` when the first of them began.
    done_before: u64,
    /// When the first of them began.
    since: Option<Instant>,
}

fn watched() -> MutexGuard<'static, Watched> {
    static WATCHED: LazyLock<Mutex<Watched>> = LazyLock::new(Mutex::default);
    WATCHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A force being watched, while it lives.
pub(crate) struct Watch(bool);

impl Watch {
    /// Watches a force of a plan of `tasks` tasks, if progress is on.
    pub(crate) fn force(tasks: usize) -> Watch {
        if record::init() & PROGRESS == 0 {
            return Watch(false);
        }
        let mut w = watched();
        if w.active == 0 {
            w.total = 0;
            w.done_before = DONE.load(Ordering::Relaxed);
            w.since = Some(Instant::now());
        }
        w.active += 1;
        w.total += tasks as u64;
        drop(w);
        poller().unpark();
        Watch(true)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if self.0 {
            let mut w = watched();
            w.active -= 1;
            if w.active == 0 {
                w.since = None;
            }
        }
    }
}

/// The poller thread, once started.
static POLLER: OnceLock<Thread> = OnceLock::new();

/// The poller thread, started on first use.
fn poller() -> &'static Thread {
    POLLER.get_or_init(|| {
        std::thread::Builder::new()
            .name(String::from("lazy-progress"))
            .spawn(poll)
            .expect("lazy: could not start the progress bar's thread")
            .thread()
            .clone()
    })
}

/// What the bar shows at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Shown {
    /// Tasks of the watched forces that have finished.
    done: u64,
    /// Tasks they planned (at least `done`).
    total: u64,
    /// The short names of the functions running, each once.
    running: String,
}

/// When the watched forces began and what the bar shows now; `None` while none runs.
fn now() -> Option<(Instant, Shown)> {
    let (since, total, done_before) = {
        let w = watched();
        (w.since?, w.total, w.done_before)
    };
    let done = DONE.load(Ordering::Relaxed).saturating_sub(done_before);
    let shown = Shown {
        done,
        total: total.max(done),
        running: running(),
    };
    Some((since, shown))
}

fn poll() {
    let mut bar: Option<ProgressBar> = None;
    loop {
        let Some((since, shown)) = now() else {
            if let Some(bar) = bar.take() {
                bar.finish_and_clear();
            }
            std::thread::park();
            continue;
        };
        if let Some(wait) = SHOW_AFTER.checked_sub(since.elapsed()) {
            std::thread::park_timeout(wait);
            continue;
        }
        let bar = bar.get_or_insert_with(|| new_bar(shown.total, ProgressDrawTarget::stderr()));
        draw(bar, shown);
        std::thread::park_timeout(POLL);
    }
}

/// Sets `bar` to show `shown`; it redraws at its own pace.
fn draw(bar: &ProgressBar, shown: Shown) {
    bar.set_length(shown.total);
    bar.set_position(shown.done);
    bar.set_message(shown.running);
}

fn new_bar(total: u64, target: ProgressDrawTarget) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), target);
    let style = ProgressStyle::with_template(
        "{elapsed:>4} [{bar:30}] {pos}/{len} tasks, {eta} left  {wide_msg}",
    )
    .expect("a valid template")
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

/// The short names of the functions running now, each once, first seen first.
fn running() -> String {
    let mut names: Vec<&'static str> = Vec::new();
    for slot in record::slots() {
        if let Some(name) = slot.running() {
            let short = short(name);
            if !names.contains(&short) {
                names.push(short);
            }
        }
    }
    names.join(", ")
}

/// An operation's last path segment without generic arguments.
fn short(name: &'static str) -> &'static str {
    let base = name.split('<').next().unwrap_or(name);
    base.rsplit("::").next().unwrap_or(base)
}

/// The bar's state is process-wide and every force of the test binary counts into it, so
/// each case runs alone, in a child process of this test binary (`alone` below), with
/// standard error a pipe unless the case says otherwise.
#[cfg(test)]
mod tests {
    use std::io;
    use std::process::{Command, Stdio};
    use std::sync::atomic::Ordering;
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex, PoisonError};
    use std::time::{Duration, Instant};

    use indicatif::{ProgressDrawTarget, TermLike};

    use super::{DONE, POLLER, Shown, draw, new_bar, now};
    use crate::exec::record::{self, PROGRESS, PROGRESS_ENV, progress_from};
    use crate::task::{Op, task};
    use crate::{Lazy, strict};

    /// The environment variable naming the case a child process runs.
    const CASE: &str = "LAZY_PROGRESS_TEST_CASE";
    const ALONE: &str = "exec::progress::tests::alone";
    /// How long a child may run: its forces are a few tiny tasks.
    const LIMIT: Duration = Duration::from_mins(1);

    fn child(case: &str, progress: Option<&str>) -> Command {
        let mut command = Command::new(std::env::current_exe().expect("the test binary"));
        command
            .args([
                "--ignored",
                "--exact",
                ALONE,
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CASE, case)
            .env_remove(record::RECORD_ENV)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match progress {
            Some(value) => command.env(PROGRESS_ENV, value),
            None => command.env_remove(PROGRESS_ENV),
        };
        command
    }

    /// Runs `command` (a child running `case`) and checks that its one test passed; kills
    /// it if it takes longer than [`LIMIT`].
    fn check(mut command: Command, case: &str) {
        let mut child = command.spawn().expect("the child starts");
        let started = Instant::now();
        while child.try_wait().expect("the child is waited for").is_none() {
            if started.elapsed() > LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("case `{case}` hung: no result within {LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output().expect("the child's output");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "case `{case}` failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn run_alone(case: &str, progress: Option<&str>) {
        check(child(case, progress), case);
    }

    #[test]
    fn the_bar_counts_the_tasks_of_a_real_force_and_names_the_running_function() {
        run_alone("counts", None);
    }

    #[test]
    fn progress_is_off_when_standard_error_is_not_a_terminal() {
        run_alone("off", None);
        run_alone("off", Some("0"));
    }

    #[test]
    fn the_environment_turns_progress_on_and_the_api_off() {
        run_alone("on_then_off", Some("1"));
    }

    #[test]
    fn progress_is_on_when_standard_error_is_a_terminal() {
        // `script` (util-linux) runs the child on a pseudo-terminal of its own.
        let Some(script) = which("script") else {
            println!("skipped: `script` is not installed, so no terminal can be made");
            return;
        };
        for (case, progress) in [("terminal", None), ("off_on_a_terminal", Some("0"))] {
            let inner = child(case, progress);
            let line = std::iter::once(inner.get_program())
                .chain(inner.get_args())
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            let mut command = Command::new(&script);
            command
                .args(["-qec", &line, "/dev/null"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            for (name, value) in inner.get_envs() {
                match value {
                    Some(value) => command.env(name, value),
                    None => command.env_remove(name),
                };
            }
            check(command, case);
        }
    }

    fn which(program: &str) -> Option<std::path::PathBuf> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    }

    #[test]
    fn the_environment_decides_before_the_terminal() {
        let asked = &std::cell::Cell::new(false);
        let terminal = |answer| {
            move || {
                asked.set(true);
                answer
            }
        };
        assert!(progress_from(Some("1"), terminal(false)));
        assert!(!progress_from(Some("0"), terminal(true)));
        assert!(!progress_from(Some("yes"), terminal(true)));
        assert!(
            !asked.get(),
            "the terminal is asked only when the variable is unset"
        );
        assert!(progress_from(None, terminal(true)));
        assert!(!progress_from(None, terminal(false)));
    }

    /// One case, alone in this process; `CASE` names it.
    #[test]
    #[ignore = "run alone in a child process by the tests of this module"]
    fn alone() {
        let case = std::env::var(CASE).expect("run by another test, which names the case");
        match case.as_str() {
            "counts" => counts(),
            "off" | "off_on_a_terminal" => off(),
            "on_then_off" => on_then_off(),
            "terminal" => assert!(crate::observe::progress_enabled()),
            other => panic!("no case `{other}`"),
        }
    }

    /// A chain `first -> wait -> top` over a leaf, where `wait` runs until released; it
    /// tells when it begins through `started`.
    fn chain(started: mpsc::Sender<()>, release: mpsc::Receiver<()>) -> Lazy<u64> {
        let release = Mutex::new(release);
        let first = task(
            Op::function("progress::tests::first"),
            (Lazy::new(1_u64),),
            |(x,): (u64,)| x + 1,
        );
        let wait = task(
            Op::function("progress::tests::wait<u64>"),
            (first,),
            move |(x,): (u64,)| {
                started.send(()).expect("the test waits");
                let release = release.lock().unwrap_or_else(PoisonError::into_inner);
                release.recv().expect("the test releases");
                x * 10
            },
        );
        task(
            Op::function("progress::tests::top"),
            (wait,),
            |(x,): (u64,)| x + 3,
        )
    }

    /// Standard error as a terminal that keeps what is written to it.
    #[derive(Clone, Debug, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl Screen {
        fn text(&self) -> String {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        }

        fn write(&self, s: &str) {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push_str(s);
        }
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write(s);
            self.write("\n");
            Ok(())
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.write(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            self.write("\n");
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    fn counts() {
        crate::observe::set_progress(true);
        let (started, begun) = mpsc::channel();
        let (release, released) = mpsc::channel();
        let top = chain(started, released);
        let before = DONE.load(Ordering::Relaxed);
        assert_eq!(now(), None, "no force is watched yet");
        let force = std::thread::spawn(move || strict(&top));
        begun.recv().expect("`wait` begins");
        let (_, shown) = now().expect("the force is watched");
        assert_eq!(
            shown,
            Shown {
                done: 1,
                total: 3,
                running: String::from("wait"),
            }
        );
        let screen = Screen::default();
        let bar = new_bar(
            shown.total,
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        draw(&bar, shown);
        bar.force_draw();
        let text = screen.text();
        assert!(text.contains("1/3 tasks"), "{text:?}");
        assert!(text.contains("wait"), "{text:?}");
        release.send(()).expect("`wait` is waiting");
        assert_eq!(force.join().expect("the force returns"), 23);
        assert_eq!(DONE.load(Ordering::Relaxed) - before, 3);
        assert_eq!(now(), None, "the force is no longer watched");
        assert!(POLLER.get().is_some(), "the poller started for the force");
    }

    fn off() {
        assert!(!crate::observe::progress_enabled());
        let (started, begun) = mpsc::channel();
        let (release, released) = mpsc::channel();
        let top = chain(started, released);
        let force = std::thread::spawn(move || strict(&top));
        begun.recv().expect("`wait` begins");
        assert_eq!(now(), None, "nothing watches the force");
        release.send(()).expect("`wait` is waiting");
        assert_eq!(force.join().expect("the force returns"), 23);
        assert_eq!(DONE.load(Ordering::Relaxed), 0, "nothing counted");
        assert!(POLLER.get().is_none(), "no poller thread");
        assert!(
            record::slots().iter().all(|s| s.running().is_none()),
            "no thread noted what it ran"
        );
    }

    fn on_then_off() {
        assert!(crate::observe::progress_enabled(), "`LAZY_PROGRESS=1`");
        assert_ne!(record::flags() & PROGRESS, 0);
        crate::observe::set_progress(false);
        off();
    }
}
