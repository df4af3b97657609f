//! The HTML report in a real browser: headless Chromium opens the report of a daisy-like
//! graph with a failing task, and its pictures and timeline render. A copy of the report
//! with a probe script appended reports, from the rendered DOM, how many node boxes and
//! timeline bars have a size and where the pictures and the timeline sit; a screenshot of
//! the report itself must show, inside those places, the fill colours of the node states
//! and of the wider bars.
//!
//! Without `/usr/bin/chromium` (Debian's `chromium` package) the test says it is skipped
//! and passes, unless `LAZY_REQUIRE_CHROMIUM=1`, as `.ci/run` sets once it has installed it.

#![cfg(unix)]

mod support;

use std::collections::HashSet;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lazy::observe::{self, Report};
use lazy::{Lazy, autodask, lazy, strict, try_strict};
use ndarray::Array1;

type Arr = Array1<i64>;

#[autodask(inline)]
fn f(a: Arr, b: Arr) -> Arr {
    a + b
}

#[autodask(inline)]
fn g(a: Arr, b: Arr) -> Arr {
    f(f(a, b), f(a, b))
}

#[autodask(inline)]
fn g2(a: Arr, b: Arr) -> Arr {
    a + b + 1
}

#[autodask(inline)]
fn h(a: Arr, b: Arr) -> Arr {
    f(a, b) + g2(a, b)
}

/// Long enough that its bar in the timeline is many pixels wide.
#[lazy]
fn total(x: Arr) -> i64 {
    std::thread::sleep(Duration::from_millis(30));
    x.sum()
}

#[lazy]
fn checked_div(x: i64, y: i64) -> i64 {
    assert!(y != 0, "division of {x} by zero");
    x / y
}

const CHROMIUM: &str = "/usr/bin/chromium";
const REQUIRE: &str = "LAZY_REQUIRE_CHROMIUM";

/// Flags for a headless run that touches no network and no profile but its own.
const FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--force-device-scale-factor=1",
];

/// Tall enough to hold the whole report, so that the screenshot shows all of it.
const WINDOW: (u32, u32) = (1280, 3600);

/// How long one run of Chromium may take before it is killed.
const RUN_LIMIT: Duration = Duration::from_mins(1);

/// Appended to a copy of the report: writes what rendered into a `<pre id="probe">`, one
/// fact per line, for `--dump-dom` to print.
const PROBE: &str = r#"<script>
const sized = (e) => {
  if (!(e instanceof SVGGraphicsElement)) return false;
  const b = e.getBBox();
  return b.width > 0 && b.height > 0;
};
const count = (selector) => [...document.querySelectorAll(selector)].filter(sized).length;
const rect = (e) => {
  const r = e.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom].map((x) => Math.max(0, Math.round(x))).join(' ');
};
const lines = [
  'nodes ' + count('.picture svg .lazy-node'),
  'failed ' + count('.picture svg .lazy-node[data-state="failed"]'),
  'bars ' + count('.timeline svg.lazy-timeline .lazy-bar'),
  'height ' + document.documentElement.scrollHeight,
  'timeline ' + rect(document.querySelector('.timeline')),
];
for (const p of document.querySelectorAll('.picture')) {
  const states = new Set([...p.querySelectorAll('.lazy-node')].map((n) => n.dataset.state));
  lines.push('picture ' + rect(p) + ' ' + [...states].join(','));
}
for (const bar of document.querySelectorAll('.lazy-bar')) {
  if (bar.getBoundingClientRect().width >= 6) lines.push('wide ' + bar.getAttribute('fill'));
}
const out = document.createElement('pre');
out.id = 'probe';
out.textContent = lines.join('\n');
document.body.appendChild(out);
</script>
"#;

#[test]
fn the_report_renders_its_pictures_and_timeline_in_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    support::within(Duration::from_mins(3), move || {
        let dir = Scratch::new();
        let expected = write_report(&dir.path.join("report.html"));
        let report = std::fs::read_to_string(dir.path.join("report.html")).unwrap();
        let probe_page = report.replace("</body>", &format!("{PROBE}</body>"));
        assert_ne!(probe_page, report, "the report ends its body");
        std::fs::write(dir.path.join("probe.html"), probe_page).unwrap();

        let dom = dir.chromium(&chromium, "probe.html", &["--dump-dom"]);
        let probe = Probe::parse(&dom);
        assert_eq!(probe.number("nodes"), expected.nodes, "{dom}");
        assert_eq!(probe.number("failed"), expected.failed, "{dom}");
        assert_eq!(probe.number("bars"), expected.bars, "{dom}");
        assert!(
            probe.number("height") <= WINDOW.1 as usize,
            "the report is taller than the window: {dom}"
        );

        let shot = dir.path.join("report.png");
        let screenshot = format!("--screenshot={}", shot.display());
        let size = format!("--window-size={},{}", WINDOW.0, WINDOW.1);
        dir.chromium(&chromium, "report.html", &[&screenshot, &size]);
        let image = Image::read(&shot);
        assert!(
            image.distinct_colours() > 50,
            "a blank screenshot has one colour, this one has {}",
            image.distinct_colours()
        );
        assert!(image.non_white() > image.pixels() / 100, "mostly blank");

        let pictures = probe.all("picture");
        assert_eq!(pictures.len(), expected.pictures);
        for picture in pictures {
            let (area, states) = picture.split_at(picture.rfind(' ').unwrap());
            let area = Area::parse(area);
            for state in states.trim().split(',') {
                // Pending boxes are white, like the page.
                let Some(fill) = state_fill(state) else {
                    continue;
                };
                assert!(
                    image.count_in(area, fill) > 500,
                    "no box filled for `{state}` ({fill:?}) in the picture at {area:?}"
                );
            }
        }
        let timeline = Area::parse(&probe.one("timeline"));
        let wide = probe.all("wide");
        assert!(!wide.is_empty(), "the slow task's bar is wide: {dom}");
        for fill in wide {
            let rgb = hex(&fill);
            assert!(
                image.count_in(timeline, rgb) > 100,
                "no bar painted {fill} in the timeline at {timeline:?}"
            );
        }
    });
}

/// What the report must show.
struct Expected {
    nodes: usize,
    failed: usize,
    bars: usize,
    pictures: usize,
}

/// Runs a daisy-like graph and a failing division under the recorder and writes their
/// report to `path`.
fn write_report(path: &Path) -> Expected {
    // Each test process starts its own range, so that no other test's leaf folds into it.
    let arr = Lazy::new(Arr::from_iter(7_000..9_000));
    let (daisy_g, daisy_h) = (g(&arr, &arr), h(&arr, &arr));
    let sum = total(&daisy_g);
    let broken = checked_div(&sum, Lazy::new(0_i64));
    let (failure, trace) = observe::record(|| {
        let (gv, hv) = strict((&daisy_g, &daisy_h));
        assert_eq!((gv[0], hv[0]), (28_000, 28_001));
        try_strict(&broken).expect_err("a division by zero fails")
    });
    let daisy = lazy::graph(&(&daisy_g, &daisy_h));
    let failing = broken.graph();
    let failed = failing
        .nodes()
        .iter()
        .filter(|n| n.state == lazy::inspect::NodeState::Failed)
        .count();
    assert!(failed >= 1, "{}", failing.task_dict());
    assert!(trace.tasks().len() >= 3, "{trace:?}");
    let expected = Expected {
        nodes: daisy.node_count() + failing.node_count(),
        failed,
        bars: trace.tasks().len(),
        pictures: 2,
    };
    Report::new("daisy and a failure")
        .graph("daisy", &daisy)
        .graph("failure", &failing)
        .trace(trace)
        .failure(&failure)
        .write_html(path)
        .unwrap();
    expected
}

/// Chromium's path, or `None` (with a note) when it is not installed and not required.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var(REQUIRE).as_deref() != Ok("1"),
        "{REQUIRE}=1 but {CHROMIUM} is not installed (Debian's `chromium` package)"
    );
    println!("skipped: chromium not installed ({CHROMIUM}; `apt-get install chromium`)");
    None
}

/// A directory of its own for the pages, the screenshot and Chromium's profiles, removed
/// when dropped.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let path = std::env::temp_dir().join(format!("lazy-browser-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch { path }
    }

    /// Runs Chromium on `page` with `args` and a fresh profile, killing it (and every
    /// process it started) if it takes longer than [`RUN_LIMIT`]; returns its standard
    /// output.
    fn chromium(&self, chromium: &Path, page: &str, args: &[&str]) -> String {
        static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let profile = self.path.join(format!("profile-{run}"));
        let mut child = Command::new(chromium)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
            .args(args)
            .arg(format!("file://{}", self.path.join(page).display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so that a timeout kills its helpers too.
            .process_group(0)
            .spawn()
            .expect("chromium starts");
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > RUN_LIMIT {
                let _ = Command::new("kill")
                    .args(["-KILL", &format!("-{}", child.id())])
                    .status();
                let _ = child.wait();
                panic!(
                    "chromium took longer than {RUN_LIMIT:?} on {page}; stderr:\n{}",
                    stderr.join().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stderr = stderr.join().unwrap();
        assert!(status.success(), "chromium failed ({status}):\n{stderr}");
        stdout.join().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Reads `pipe` to its end on a thread of its own, so that a full pipe never stalls the
/// child.
fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The probe's lines, from the dumped DOM.
struct Probe {
    lines: Vec<(String, String)>,
}

impl Probe {
    fn parse(dom: &str) -> Probe {
        let start = dom
            .find("<pre id=\"probe\">")
            .unwrap_or_else(|| panic!("the probe ran: {dom}"));
        let body = &dom[start + "<pre id=\"probe\">".len()..];
        let body = &body[..body.find("</pre>").expect("the probe's end")];
        let lines = body
            .lines()
            .map(|l| {
                let (name, value) = l.split_once(' ').unwrap_or((l, ""));
                (name.to_owned(), value.to_owned())
            })
            .collect();
        Probe { lines }
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.lines
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn one(&self, name: &str) -> String {
        let all = self.all(name);
        assert_eq!(all.len(), 1, "one `{name}` line");
        all.into_iter().next().unwrap()
    }

    fn number(&self, name: &str) -> usize {
        self.one(name).parse().expect("a number")
    }
}

/// A rectangle of the page, in whole pixels: left, top, right, bottom.
#[derive(Clone, Copy, Debug)]
struct Area(u32, u32, u32, u32);

impl Area {
    fn parse(s: &str) -> Area {
        let v: Vec<u32> = s
            .split_whitespace()
            .map(|n| n.parse().expect("whole pixels"))
            .collect();
        assert_eq!(v.len(), 4, "{s}");
        Area(v[0], v[1], v[2], v[3])
    }
}

type Rgb = [u8; 3];

/// The fill of a node in `state` (the colours of `Graph::to_dot`); `None` for white.
fn state_fill(state: &str) -> Option<Rgb> {
    match state {
        "pending" => None,
        "running" => Some([255, 215, 0]),
        "ready" => Some([152, 251, 152]),
        "failed" => Some([250, 128, 114]),
        "released" => Some([173, 216, 230]),
        "invalidated" => Some([255, 165, 0]),
        other => panic!("no such state: {other}"),
    }
}

fn hex(colour: &str) -> Rgb {
    let digits = colour.trim_start_matches('#');
    assert_eq!(digits.len(), 6, "{colour}");
    let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex");
    [byte(0), byte(2), byte(4)]
}

/// A decoded screenshot, as RGB rows.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<Rgb>,
}

impl Image {
    fn read(path: &Path) -> Image {
        let file = std::io::BufReader::new(std::fs::File::open(path).expect("the screenshot"));
        let mut decoder = png::Decoder::new(file);
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buffer = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut buffer).expect("a frame");
        let channels = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => panic!("a screenshot in colour, not {other:?}"),
        };
        let rgb = buffer[..info.line_size * info.height as usize]
            .chunks_exact(info.line_size)
            .flat_map(|row| {
                row.chunks_exact(channels)
                    .take(info.width as usize)
                    .map(|p| [p[0], p[1], p[2]])
            })
            .collect();
        assert_eq!((info.width, info.height), WINDOW, "the window's size");
        Image {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    fn pixels(&self) -> usize {
        self.rgb.len()
    }

    fn distinct_colours(&self) -> usize {
        self.rgb.iter().collect::<HashSet<_>>().len()
    }

    fn non_white(&self) -> usize {
        self.rgb.iter().filter(|p| **p != [255, 255, 255]).count()
    }

    /// How many pixels inside `area` are exactly `colour`.
    fn count_in(&self, area: Area, colour: Rgb) -> usize {
        let mut count = 0;
        for y in area.1..area.3.min(self.height) {
            for x in area.0..area.2.min(self.width) {
                if self.rgb[(y * self.width + x) as usize] == colour {
                    count += 1;
                }
            }
        }
        count
    }
}

#[test]
fn the_probe_reads_its_lines_back() {
    let probe = Probe::parse("<body><pre id=\"probe\">nodes 3\nwide #4e79a7\nwide #f28e2b</pre>");
    assert_eq!(probe.number("nodes"), 3);
    assert_eq!(probe.all("wide"), ["#4e79a7", "#f28e2b"]);
    assert_eq!(hex("#4e79a7"), [78, 121, 167]);
}
