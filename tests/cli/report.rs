//! `report.html`: self-contained (no scripts, no external resources), and it loads in a real
//! headless Chromium with no console messages (the page's Content-Security-Policy makes the
//! browser log any attempted fetch as a console message) and renders to a screenshot.
//!
//! The browser check is skipped, with a notice, only when no Chromium is installed and this
//! is not CI (`.ci/run` installs Debian's `chromium`; under `CI` a missing browser fails).

use crate::common::*;
use crate::plots::{check_plot_files, png_size};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Chromium to use: `$FORCEPLAN_CHROMIUM`, else `chromium` or `chromium-browser` on PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FORCEPLAN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// What headless Chromium said about a page.
pub struct BrowserRun {
    /// Its stderr (with `--enable-logging=stderr`: console messages appear as `:CONSOLE`).
    pub stderr: String,
    /// Its stdout (the DOM with `--dump-dom`).
    pub stdout: String,
}

/// Opens `page` in headless Chromium with `extra` flags; gives up after two minutes.
pub fn chromium(browser: &Path, page: &Path, extra: &[String]) -> BrowserRun {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(format!("file://{}", page.canonicalize().unwrap().display()))
    .stdin(Stdio::null())
    // Files, not pipes: a full pipe would block the browser while we wait for it.
    .stdout(std::fs::File::create(profile.path().join("stdout")).unwrap())
    .stderr(std::fs::File::create(profile.path().join("stderr")).unwrap());
    let mut child = cmd.spawn().expect("chromium starts");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let read = |n: &str| {
        String::from_utf8_lossy(&std::fs::read(profile.path().join(n)).unwrap()).into_owned()
    };
    BrowserRun {
        stderr: read("stderr"),
        stdout: read("stdout"),
    }
}

/// Problems a browser log shows: console messages (CSP violations, script errors) and
/// network errors.
pub fn browser_problems(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("net::ERR") || l.contains("Refused to"))
        .collect()
}

/// Static checks: nothing in the page can reach outside it.
pub fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    assert!(lower.starts_with("<!doctype html>"));
    assert!(
        lower.contains("http-equiv=\"content-security-policy\" content=\"default-src 'none'"),
        "CSP forbids fetching"
    );
    for bad in [
        "<script", "<link", "<iframe", "<object", "<embed", "@import", "src=\"",
    ] {
        assert!(!lower.contains(bad), "report contains {bad}");
    }
    // Resources are inline (the embedded font), never fetched.
    for (i, _) in lower.match_indices("url(") {
        assert!(lower[i..].starts_with("url(data:"), "external url( at {i}");
    }
    // The only other URLs are SVG namespace declarations (base64 data left out of the scan).
    let mut parts = lower.split("url(data:");
    let mut lower = parts.next().unwrap().to_string();
    for p in parts {
        lower.push_str(&p[p.find(')').expect("data URL closed")..]);
    }
    for (i, _) in lower.match_indices("http") {
        let before = &lower[i.saturating_sub(7)..i];
        assert!(
            before.ends_with("xmlns=\"") || lower[i..].starts_with("http-equiv"),
            "unexpected URL at {i}: {}",
            &lower[i..(i + 60).min(lower.len())]
        );
    }
    assert!(lower.contains("@media print"), "print CSS");
}

#[test]
fn report_is_self_contained_and_loads_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["--replications", "3", "--trace", "--threads", "2"],
    );
    let plots = check_plot_files(&out);
    let page = out.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    assert_eq!(
        html.matches("<svg").count(),
        plots.len(),
        "every plot inlined"
    );
    let s = json(&out.join("summary.json"));
    for needle in [
        "Key performance indicators",
        s["scenario_hash"].as_str().unwrap(),
        &format!("<dd>{}</dd>", s["seed"]),
        s["forceplan_version"].as_str().unwrap(),
        "scenarios/tutorial.ron",
    ] {
        assert!(html.contains(needle), "report shows {needle}");
    }

    let Some(browser) = find_chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium (.ci/run installs it)"
        );
        eprintln!(
            "NOTICE: chromium not found: skipped the headless-browser check of report.html \
             (apt-get install -y chromium)"
        );
        return;
    };
    // Load it with a screenshot: no console messages, no network errors.
    let shot = dir.path().join("report.png");
    let run = chromium(
        &browser,
        &page,
        &[
            "--window-size=1280,2000".into(),
            format!("--screenshot={}", shot.display()),
        ],
    );
    let problems = browser_problems(&run.stderr);
    assert!(problems.is_empty(), "browser console: {problems:#?}");
    let png = std::fs::read(&shot).unwrap_or_else(|_| panic!("screenshot: {}", run.stderr));
    assert_eq!(png_size(&png), (1280, 2000));
    // It prints to PDF (print CSS: A4, figures kept whole) over several pages.
    let pdf = dir.path().join("report.pdf");
    let run = chromium(
        &browser,
        &page,
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    assert!(browser_problems(&run.stderr).is_empty(), "{}", run.stderr);
    let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("PDF: {}", run.stderr));
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert!(pages >= 3, "printed over {pages} pages");
    // The rendered DOM holds the tables and every plot.
    let run = chromium(&browser, &page, &["--dump-dom".into()]);
    assert!(browser_problems(&run.stderr).is_empty(), "{}", run.stderr);
    assert!(
        run.stdout.contains("Key performance indicators"),
        "DOM dumped"
    );
    assert_eq!(run.stdout.matches("<svg").count(), plots.len());
}

#[test]
fn browser_check_catches_external_requests() {
    // The check itself: a page that tries to fetch is reported.
    let Some(browser) = find_chromium() else {
        eprintln!("NOTICE: chromium not found: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'\"></head><body><img src=\"http://example.invalid/a.png\">\
         </body></html>",
    )
    .unwrap();
    let run = chromium(&browser, &page, &["--dump-dom".into()]);
    assert!(!browser_problems(&run.stderr).is_empty(), "{}", run.stderr);
}
