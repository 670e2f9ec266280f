//! The warm-up of a run as reported: the scenario's `warm_up_days`, and a suggestion by
//! MSER-5 on the hourly queue length of replication 0 when the force is heavily loaded.

use crate::metrics::mser::{BATCH, mser5};
use crate::metrics::{Aggregate, Kpi, TimelineSample};
use crate::scenario::Scenario;

/// Mean utilisation from which a run counts as heavily loaded and a warm-up is suggested.
pub const HEAVY_UTILISATION: f64 = 0.8;

/// The warm-up MSER-5 suggests \[days\] from the hourly queue length of `timeline`, when the
/// mean utilisation in `agg` is at least [`HEAVY_UTILISATION`]; `None` otherwise, or when the
/// series is too short or still settling at its end.
pub fn suggested_warm_up_days(agg: &Aggregate, timeline: Option<&[TimelineSample]>) -> Option<f64> {
    if !heavily_loaded(agg) {
        return None;
    }
    let queued: Vec<f64> = timeline?.iter().map(|s| f64::from(s.queued)).collect();
    mser5(&queued).map(|hours| hours as f64 / 24.0)
}

/// Whether the run is heavily loaded: mean utilisation at least [`HEAVY_UTILISATION`].
pub fn heavily_loaded(agg: &Aggregate) -> bool {
    let load = agg.kpi(Kpi::Utilisation).mean;
    !load.is_nan() && load >= HEAVY_UTILISATION
}

/// The console line on the warm-up (empty when there is nothing to say): the warm-up used,
/// and for a heavily loaded run the suggestion, or why there is none.
pub fn warm_up_note(sc: &Scenario, loaded: bool, suggested: Option<f64>) -> String {
    let used = sc.warm_up.secs() as f64 / crate::time::DAY.0 as f64;
    let mut s = String::new();
    if used > 0.0 {
        s.push_str(&format!(
            "warm-up: the first {used} days are left out of the KPIs\n"
        ));
    }
    match (loaded, suggested) {
        (_, Some(d)) => s.push_str(&format!(
            "heavily loaded (utilisation ≥ {HEAVY_UTILISATION}): MSER-{BATCH} on the hourly queue length of replication 0 suggests a warm-up of {d:.1} days (warm_up_days or --warm-up-days)\n"
        )),
        (true, None) => s.push_str(&format!(
            "heavily loaded (utilisation ≥ {HEAVY_UTILISATION}): MSER-{BATCH} on the hourly queue length of replication 0 suggests no warm-up: the series is too short or still settling at its end; lengthen horizon_days (or --horizon-days) before trusting means over the whole run\n"
        )),
        (false, None) => {}
    }
    s
}
