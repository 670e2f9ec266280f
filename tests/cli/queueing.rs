//! `scenarios/validation/mmc.ron` behaves as an M/M/c queue (λ = 8/h, μ = 1/h, c = 10):
//! the Erlang-C mean wait and P(wait), and utilisation ρ, lie within the 95 % CI.

use crate::common::*;
use forceplan::validation::erlang_c;

#[test]
fn mmc_queue_wait_matches_erlang_c() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mmc");
    run_ok("scenarios/validation/mmc.ron", &out, &[]);
    let s = json(&out.join("summary.json"));
    let (p_wait, wq) = erlang_c(8.0, 1.0, 10);
    let within = |k: &str, x: f64| {
        let v = &s["kpis"][k];
        let (lo, hi) = (
            v["ci95_low"].as_f64().unwrap(),
            v["ci95_high"].as_f64().unwrap(),
        );
        assert!(lo <= x && x <= hi, "{k}: analytic {x} outside [{lo}, {hi}]");
        assert!(
            hi - lo < 0.1 * x.max(0.1),
            "{k}: CI too wide to mean anything: [{lo}, {hi}]"
        );
    };
    within("queue_wait_mean_h", wq);
    within("queued_share", p_wait);
    within("utilisation", 0.8);
}
