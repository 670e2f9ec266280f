//! Study files: parsing, resolving the base scenario, applying each option's changes and
//! validating every variant. The input is the study; its base is the tutorial scenario.
#![no_main]

use forceplan::experiment::plan::{Inputs, Kind, Params, Plan};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::verbose;

const TUTORIAL: &str = include_str!("../../scenarios/tutorial.ron");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let inputs = Inputs::sealed(vec![
        ("fuzz/study.ron".into(), text),
        ("fuzz/tutorial.ron".into(), TUTORIAL.into()),
    ]);
    let params = Params {
        seed: None,
        replications: None,
        kpi: None,
        warm_up_days: None,
        horizon_days: None,
    };
    let result = Plan::load(Kind::Compare, "fuzz/study.ron", inputs, params);
    if verbose() {
        match &result {
            Ok(plan) => eprintln!("ok: {} variant(s)", plan.variants.len()),
            Err(e) => eprintln!("error: {e}"),
        }
    }
});
