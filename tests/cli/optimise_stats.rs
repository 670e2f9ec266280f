//! `forceplan optimise`'s statistics as the user sees them: constraints decided by the
//! sequential feasibility procedure (its tolerance validated and located, the procedure named
//! in `optimum.json`), and objectives undefined (NaN) in a replication set aside, or a clear
//! error when nothing is left to compare, with OCBA and with KN.

use crate::common::{forceplan, json, repo, stderr};
use std::path::Path;

/// Writes a problem on the three-qrf scenario with `body` (decisions, objective, ...) and
/// returns its path.
fn problem(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let scenario = repo("scenarios/optimise/three-qrf.ron");
    let p = dir.join(format!("{name}.ron"));
    std::fs::write(
        &p,
        format!(
            "Problem(name: {name:?}, scenario: {:?},\n{body}",
            scenario.to_str().unwrap()
        ),
    )
    .unwrap();
    p
}

fn run(p: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "optimise",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    forceplan(&args)
}

const ONE_QRF: &str = " decisions: [Place(contingents: Contingents(id: [\"qrf-1\"]), bases: [\"kyiv\", \"kharkiv\"])],\n";

#[test]
fn a_bad_tolerance_is_located_and_a_zero_threshold_needs_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = problem(
        dir.path(),
        "tol",
        &format!(
            "{ONE_QRF} objective: Minimise(\"response_time_mean_h\"),\n constraints: [\n  Require(that: \"responded_share >= 0.5\", tolerance: -0.1),\n  Require(that: \"unanswerable_share <= 0\")],\n delta: 0.1)"
        ),
    );
    let out = dir.path().join("o");
    let o = run(&p, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("tol.ron:5:") && e.contains("tolerance -0.1 must be a positive number"),
        "{e}"
    );
    assert!(
        e.contains("tol.ron:6:")
            && e.contains("the threshold is 0: give the constraint a tolerance"),
        "{e}"
    );
    assert!(!out.join("optimum.json").exists());
}

#[test]
fn constraints_are_decided_by_the_sequential_procedure_named_in_the_guarantee() {
    let dir = tempfile::tempdir().unwrap();
    // Every plan answers all incursions in 30 days: clearly met; none answers more than all:
    // clearly violated. The default tolerance is 1 % of the threshold.
    let p = problem(
        dir.path(),
        "cons",
        &format!(
            "{ONE_QRF} objective: Minimise(\"response_time_mean_h\"),\n constraints: [Require(that: \"responded_share >= 0.5\", confidence: 0.9)],\n delta: 0.1, replications: (n0: 5, budget: 60))"
        ),
    );
    let out = dir.path().join("o");
    let o = run(&p, &out, &["--exhaustive", "10"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json(&out.join("optimum.json"));
    assert_eq!(j["problem"]["constraints"][0]["tolerance"], 0.005);
    assert_eq!(
        j["best"]["constraints"][0]["feasible"], "yes",
        "{}",
        j["best"]
    );
    let g = &j["guarantee"];
    assert!(
        g["statement"]
            .as_str()
            .unwrap()
            .contains("Andradóttir & Kim's sequential feasibility procedure"),
        "{g}"
    );
    assert!(
        g["assumptions"].as_array().unwrap().iter().any(|a| a
            .as_str()
            .unwrap()
            .starts_with("Constraints: Andradóttir & Kim")),
        "{g}"
    );
    // Clearly violated: every plan is decided infeasible.
    let p = problem(
        dir.path(),
        "cons-no",
        &format!(
            "{ONE_QRF} objective: Minimise(\"response_time_mean_h\"),\n constraints: [Require(that: \"responded_share >= 1.5\")],\n delta: 0.1, replications: (n0: 5, budget: 60))"
        ),
    );
    let out = dir.path().join("o-no");
    let o = run(&p, &out, &["--exhaustive", "10"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json(&out.join("optimum.json"));
    for e in j["evaluated"].as_array().unwrap() {
        assert_eq!(e["feasible"], "no", "{e}");
    }
}

#[test]
fn an_objective_undefined_everywhere_is_an_error_with_ocba_and_kn() {
    // The scenario has no sea sector: the p90 over sea violations is undefined in every
    // replication of every plan. Before, OCBA wrote a NaN "best plan" and KN panicked.
    let dir = tempfile::tempdir().unwrap();
    for (name, selection) in [("nan-ocba", "Ocba"), ("nan-kn", "Kn")] {
        let p = problem(
            dir.path(),
            name,
            &format!(
                "{ONE_QRF} objective: Minimise(\"response_time_p90_h[domain=sea]\"),\n delta: 0.1, replications: (n0: 5, budget: 100), selection: {selection})"
            ),
        );
        for extra in [&[][..], &["--exhaustive", "5"][..]] {
            let out = dir.path().join(format!("{name}-{}", extra.len()));
            let o = run(&p, &out, extra);
            assert_eq!(o.status.code(), Some(2), "{name} {extra:?}: {}", stderr(&o));
            let e = stderr(&o);
            assert!(
                e.contains("response_time_p90_h[domain=sea]")
                    && e.contains("is undefined (NaN) in replication")
                    && e.contains("of plan [qrf-1 at "),
                "{e}"
            );
            assert!(!out.join("optimum.json").exists());
        }
    }
}

#[test]
fn plans_whose_objective_is_undefined_in_a_replication_are_set_aside() {
    // With one platoon or none, the p90 response time over 30 days is not reached in some
    // replications (too few incursions answered): those plans are set aside; with both
    // platoons it is defined, and chosen, by OCBA and by KN.
    let dir = tempfile::tempdir().unwrap();
    for selection in ["Ocba", "Kn"] {
        let p = problem(
            dir.path(),
            &format!("some-{selection}"),
            &format!(
                " decisions: [Count(contingents: Contingents(id: [\"qrf-1\", \"qrf-2\"]), min: 0, max: 1)],\n objective: Minimise(\"response_time_p90_h[domain=land]\"),\n delta: 0.1, replications: (n0: 5, budget: 200), selection: {selection})"
            ),
        );
        let out = dir.path().join(format!("o-{selection}"));
        let o = run(&p, &out, &["--exhaustive", "5"]);
        assert!(o.status.success(), "{selection}: {}", stderr(&o));
        let j = json(&out.join("optimum.json"));
        assert_eq!(
            j["best"]["vector"],
            serde_json::json!([1, 1]),
            "{selection}"
        );
        assert!(j["best"]["objective"]["mean"].as_f64().unwrap().is_finite());
        // The plans set aside were not compared: no runner-up.
        assert_eq!(j["runners_up"], serde_json::json!([]), "{selection}");
        let set_aside: Vec<&serde_json::Value> = j["evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["set_aside"].is_string())
            .collect();
        assert_eq!(set_aside.len(), 3, "{selection}: {}", j["evaluated"]);
        for e in set_aside {
            assert_eq!(e["feasible"], "no");
            assert!(
                e["set_aside"]
                    .as_str()
                    .unwrap()
                    .starts_with("objective undefined (NaN) in replication"),
                "{e}"
            );
        }
    }
}
