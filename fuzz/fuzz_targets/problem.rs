//! Problem files (`forceplan optimise`): parsing, resolving the base scenario, validating the
//! decisions, objective and constraints, then what `validate` and the optimiser do before they
//! simulate: the decision space, its size, the start plan, its neighbours and typed changes,
//! and the analytic (MEXCLP) screen. The input is the problem; its base is the tutorial.
#![no_main]

use forceplan::experiment::optimise::{base_plan, screen, space::Space};
use forceplan::metrics::scope::ScopedKpi;
use forceplan::scenario::Scenario;
use forceplan::scenario::inputs::Inputs;
use forceplan::scenario::problem::Problem;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::verbose;

const TUTORIAL: &str = include_str!("../../scenarios/tutorial.ron");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut inputs = Inputs::sealed(vec![
        ("fuzz/problem.ron".into(), text),
        ("fuzz/tutorial.ron".into(), TUTORIAL.into()),
    ]);
    let kpi_check = |k: &str, sc: &Scenario| ScopedKpi::parse(k, sc).err();
    let problem = match Problem::load("fuzz/problem.ron", &mut inputs, &[], &kpi_check) {
        Ok(p) => p,
        Err(e) => {
            if verbose() {
                eprintln!("error: {e}");
            }
            return;
        }
    };
    let space = Space::new(&problem);
    let plans = space.count();
    if verbose() {
        eprintln!(
            "ok: {} variable(s), {plans:?} plan(s)",
            space.variables().len()
        );
    }
    let start = base_plan(&space).unwrap_or_else(|| space.start(false));
    let _ = space.within_limits(&start);
    let _ = space.describe(&start);
    let _ = space.change_texts(&start);
    let _ = space.changes(&start);
    for n in space.neighbours(&start).iter().take(64) {
        let _ = space.changes(n);
    }
    let _ = space.one_fewer(&start);
    let _ = screen::screen(&problem.base, &space, &start);
});
