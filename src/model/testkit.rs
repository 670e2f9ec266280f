//! Small scenarios for the model's unit tests, written as RON text.

use super::record::{Observer, ViolationRecord};
use crate::scenario::{self, Domain, Scenario};
use crate::time::{SimDuration, SimTime};

/// A land scenario on a line sector `s1` at 48° N from 35.0° E to `lon_to`, with an
/// observation post that sees everything at once and no delays; `nations`, `bases` and
/// `contingents` are RON list bodies.
pub(crate) fn scenario(
    horizon_days: u32,
    rate_per_day: f64,
    lon_to: f64,
    nations: &str,
    bases: &str,
    contingents: &str,
) -> Scenario {
    let eye = r#"ObservationPost(id: "eye", nation: "AAA", at: (lat: 48.0, lon: 35.05),
        range_km: 500.0, detection_probability: 1.0, reporting_delay: Fixed(Seconds(0)))"#;
    let sectors = format!("(lat: 48.0, lon: 35.0), (lat: 48.0, lon: {lon_to})");
    scenario_with(
        horizon_days,
        rate_per_day,
        &sectors,
        nations,
        bases,
        contingents,
        eye,
        "Fixed(Hours(1))",
    )
}

/// Like [`scenario`], with the sector's line points, the sensors and the violations'
/// observability (a RON distribution) given.
#[allow(clippy::too_many_arguments, reason = "a test fixture with named slots")]
pub(crate) fn scenario_with(
    horizon_days: u32,
    rate_per_day: f64,
    line: &str,
    nations: &str,
    bases: &str,
    contingents: &str,
    sensors: &str,
    observable: &str,
) -> Scenario {
    let text = format!(
        r#"Scenario(
    name: "testkit",
    description: "unit-test scenario",
    horizon_days: {horizon_days},
    seed: 7,
    replications: 1,
    nations: [{nations}],
    bases: [{bases}],
    sectors: [
        (id: "s1", name: "Sector one", domain: Land,
         geometry: Line([{line}]),
         rate_per_day: {rate_per_day}, mix: [("job", 1.0)]),
    ],
    violation_types: [
        (id: "job", domain: Land, severity: Moderate, observable_for: {observable},
         response: Respond(capability: Investigate, on_scene: Fixed(Hours(1)), target: Hours(1))),
    ],
    sensors: [{sensors}],
    contingents: [{contingents}],
    command: (hq_processing: Fixed(Seconds(0)), dispatch: FastestArrival, queue_priority: Fifo),
)"#
    );
    scenario::from_str(&text, "testkit.ron").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// An observer that keeps every record (and whether it was still open at the horizon).
#[derive(Debug, Default)]
pub(crate) struct Records(pub(crate) Vec<(ViolationRecord, bool)>);

impl Observer for Records {
    fn record(&mut self, r: &ViolationRecord, at_end: bool) {
        self.0.push((r.clone(), at_end));
    }
    fn add_busy(&mut self, _: usize, _: SimDuration, _: SimTime) {}
    fn add_covered(&mut self, _: usize, _: SimDuration, _: SimTime) {}
    fn add_queue_area(&mut self, _: Domain, _: u32, _: SimDuration, _: SimTime) {}
}

/// A land contingent of `units` investigators of nation `nation` at `base`, with optional
/// RON fields (e.g. `endurance: Some(Hours(2))`) appended.
pub(crate) fn contingent(id: &str, nation: &str, base: &str, units: u32, extra: &str) -> String {
    format!(
        r#"(id: "{id}", nation: "{nation}", name: "{id}", domain: Land, kind: LightInfantry,
            units: {units}, base: "{base}", speed_kmh: 50, notice_to_move: Fixed(Seconds(0)),
            capabilities: [Investigate], {extra}),"#
    )
}
