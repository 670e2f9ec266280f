//! Sweep files: parsing, the base (a scenario or a study option), factor and design checks,
//! and validating every design point. The input is the sweep; next to it are the tutorial
//! scenario and a small study on it (`StudyOption(study: "study.ron", option: ...)`).
#![no_main]

use forceplan::experiment::plan::{Inputs, Kind, Params, Plan};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::verbose;

const TUTORIAL: &str = include_str!("../../scenarios/tutorial.ron");
const STUDY: &str = include_str!("../fixtures/study.ron");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let inputs = Inputs::sealed(vec![
        ("fuzz/sweep.ron".into(), text),
        ("fuzz/study.ron".into(), STUDY.into()),
        ("fuzz/tutorial.ron".into(), TUTORIAL.into()),
    ]);
    let params = Params {
        seed: None,
        replications: None,
        kpi: None,
        warm_up_days: None,
        horizon_days: None,
    };
    let result = Plan::load(Kind::Sweep, "fuzz/sweep.ron", inputs, params);
    if verbose() {
        match &result {
            Ok(plan) => eprintln!("ok: {} variant(s)", plan.variants.len()),
            Err(e) => eprintln!("error: {e}"),
        }
    }
});
