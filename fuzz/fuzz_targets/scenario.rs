//! Scenario parser and validator: any bytes must give a scenario or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::verbose;

fuzz_target!(|data: &[u8]| {
    // Files are read as strict UTF-8 (anything else is refused before parsing), so only
    // valid UTF-8 reaches the parser; lossy conversion keeps invalid inputs useful anyway.
    let text = String::from_utf8_lossy(data);
    match forceplan::scenario::from_str(&text, "fuzz.ron") {
        Ok(scenario) => {
            if verbose() {
                eprintln!("ok: {} contingent(s)", scenario.contingents.len());
            }
            // What `run` does next, short of simulating (too slow per input).
            let _ = forceplan::model::Prepared::new(scenario);
        }
        Err(e) => {
            if verbose() {
                eprintln!("error: {e}");
            }
        }
    }
});
