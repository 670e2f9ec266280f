//! `forceplan validate`: summaries of good scenarios, clear errors for bad ones.

use crate::common::*;

#[test]
fn default_scenario_meets_the_brief() {
    let o = forceplan(&["validate", "scenarios/coalition-2026.ron", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert!(v["nations"].as_u64().unwrap() >= 35);
    let u = &v["units_by_domain"];
    let units =
        u["air"].as_u64().unwrap() + u["sea"].as_u64().unwrap() + u["land"].as_u64().unwrap();
    assert!(units >= 400, "{units} units");
    for d in ["air", "sea", "land"] {
        assert!(u[d].as_u64().unwrap() > 0, "no {d} units");
        assert!(
            v["sectors_by_domain"][d].as_u64().unwrap() > 0,
            "no {d} sectors"
        );
    }
    assert!(v["sectors_by_domain"]["land"].as_u64().unwrap() >= 6);
    assert!(v["violations_per_day"].as_f64().unwrap() >= 500.0);
    assert_eq!(v["horizon_days"].as_f64(), Some(365.0));
    assert!(v["satellites"].as_u64().unwrap() > 0);
    assert!(v["radars"].as_u64().unwrap() > 0);
    assert!(v["observation_posts"].as_u64().unwrap() > 0);
    assert!(v["drones"].as_u64().unwrap() > 0);
}

#[test]
fn shipped_scenarios_validate_with_a_readable_summary() {
    for f in [
        "scenarios/coalition-2026.ron",
        "scenarios/tutorial.ron",
        "scenarios/validation/mmc.ron",
    ] {
        let o = forceplan(&["validate", f]);
        assert!(o.status.success(), "{f}: {}", stderr(&o));
        let text = stdout(&o);
        for word in [
            "is valid",
            "nations:",
            "force:",
            "sectors:",
            "sensors:",
            "violations:",
        ] {
            assert!(text.contains(word), "{f}: summary lacks {word:?}:\n{text}");
        }
    }
}

/// Every `tests/data/bad/NAME.ron` must fail with exit code 2, name the file, and contain
/// each line of `NAME.expect` in its message; nothing goes to stdout.
#[test]
fn broken_scenarios_give_exit_code_2_and_say_where() {
    let dir = repo("tests/data/bad");
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
    {
        let rel = format!(
            "tests/data/bad/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let expect = std::fs::read_to_string(path.with_extension("expect"))
            .expect("an .expect file per bad scenario");
        let out = std::env::temp_dir().join("forceplan-never-written");
        for args in [
            vec!["validate", &rel],
            vec!["run", &rel, "--out", out.to_str().unwrap()],
        ] {
            let cmd = args[0];
            let o = forceplan(&args);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd} {rel}: {err}");
            assert!(o.stdout.is_empty(), "{cmd} {rel} printed to stdout");
            assert!(
                err.contains(&rel),
                "{rel}: message does not name the file: {err}"
            );
            for line in expect.lines().filter(|l| !l.is_empty()) {
                assert!(err.contains(line), "{rel}: expected {line:?} in: {err}");
            }
        }
        assert!(!out.exists(), "{rel}: run left an output directory behind");
        n += 1;
    }
    assert!(n >= 15, "only {n} bad scenarios");
}

#[test]
fn missing_file_and_usage_errors_exit_2() {
    let o = forceplan(&["validate", "no/such/file.ron"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.ron"));
    let o = forceplan(&["run"]);
    assert_eq!(o.status.code(), Some(2));
    let o = forceplan(&["run", "tests/data/good-small.ron", "--replications", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("at least 1"));
}
