//! Sensors: satellite constellations, radars and observation posts.

use super::super::problems::Problems;
use super::super::raw::*;
use super::super::*;
use super::MAX_PASSES_PER_REPLICATION;
use std::collections::HashMap;

/// Seconds per day, for rates and horizons in days.
const DAY_S: f64 = crate::time::DAY.0 as f64;

/// Validates the sensors: satellites, and radars and observation posts at fixed positions.
pub(super) fn sensors(
    cx: &mut Problems,
    raw: &RawScenario,
    horizon_days: f64,
    nation_ids: &HashMap<&str, usize>,
    sector_ids: &HashMap<&str, usize>,
) -> (Vec<Satellite>, Vec<FixedSensor>) {
    let mut satellites = Vec::new();
    let mut fixed_sensors = Vec::new();
    for (i, s) in raw.sensors.iter().enumerate() {
        let p = format!("sensors[{i}]");
        match s {
            RawSensor::Satellite {
                id,
                nation,
                covers,
                revisit,
                detection_probability,
                processing_delay,
            } => {
                let nation = cx
                    .resolve(&format!("{p}.nation"), "nation", nation, nation_ids)
                    .unwrap_or(0);
                let sectors_covered: Vec<usize> = match covers {
                    RawCoverage::All => (0..raw.sectors.len()).collect(),
                    RawCoverage::Sectors(list) => {
                        if list.is_empty() {
                            cx.add(
                                format!("{p}.covers"),
                                "Sectors([...]) must name at least one sector (or use All)",
                            );
                        }
                        list.iter()
                            .enumerate()
                            .filter_map(|(k, id)| {
                                cx.resolve(&format!("{p}.covers[{k}]"), "sector", id, sector_ids)
                            })
                            .collect()
                    }
                };
                let revisit_s = cx.duration(&format!("{p}.revisit"), *revisit);
                if revisit_s < 60.0 {
                    cx.add(
                        format!("{p}.revisit"),
                        "revisit interval must be at least Minutes(1)",
                    );
                }
                let passes =
                    sectors_covered.len() as f64 * horizon_days * DAY_S / revisit_s.max(60.0);
                if passes > MAX_PASSES_PER_REPLICATION {
                    cx.add(format!("{p}.revisit"), format!("{passes:.3e} passes per replication exceed the limit of {MAX_PASSES_PER_REPLICATION:.0e}: lengthen the revisit interval"));
                }
                satellites.push(Satellite {
                    id: id.clone(),
                    nation,
                    sectors: sectors_covered,
                    revisit: SimDuration::from_secs_f64(revisit_s.max(60.0)),
                    detection_probability: cx.probability(
                        &format!("{p}.detection_probability"),
                        *detection_probability,
                    ),
                    processing: cx.dist(&format!("{p}.processing_delay"), processing_delay),
                });
            }
            RawSensor::Radar {
                id,
                nation,
                at,
                range_km,
                domains,
                detection_probability,
                reporting_delay,
            } => {
                fixed_sensors.push(fixed(
                    cx,
                    &p,
                    FixedSensorKind::Radar,
                    id,
                    nation,
                    *at,
                    *range_km,
                    Some(domains),
                    *detection_probability,
                    reporting_delay,
                    nation_ids,
                ));
            }
            RawSensor::ObservationPost {
                id,
                nation,
                at,
                range_km,
                detection_probability,
                reporting_delay,
                domains,
            } => {
                fixed_sensors.push(fixed(
                    cx,
                    &p,
                    FixedSensorKind::ObservationPost,
                    id,
                    nation,
                    *at,
                    *range_km,
                    domains.as_ref(),
                    *detection_probability,
                    reporting_delay,
                    nation_ids,
                ));
            }
        }
    }
    (satellites, fixed_sensors)
}

#[allow(
    clippy::too_many_arguments,
    reason = "each argument is one part of the raw input this check reads; a struct of them would only be built here"
)]
fn fixed(
    cx: &mut Problems,
    p: &str,
    kind: FixedSensorKind,
    id: &str,
    nation: &str,
    at: RawLatLon,
    range_km: f64,
    domains: Option<&Vec<Domain>>,
    prob: f64,
    delay: &RawDist,
    nation_ids: &HashMap<&str, usize>,
) -> FixedSensor {
    let mut set = DomainSet::default();
    match domains {
        None => set = set.with(Domain::Land),
        Some(list) if list.is_empty() => cx.add(
            format!("{p}.domains"),
            "domains must name at least one of Air, Sea, Land",
        ),
        Some(list) => list.iter().for_each(|d| set = set.with(*d)),
    }
    FixedSensor {
        id: id.to_string(),
        kind,
        nation: cx
            .resolve(&format!("{p}.nation"), "nation", nation, nation_ids)
            .unwrap_or(0),
        pos: cx.pos(&format!("{p}.at"), at),
        range_km: cx.positive(&format!("{p}.range_km"), range_km, 5_000.0, "km"),
        domains: set,
        detection_probability: cx.probability(&format!("{p}.detection_probability"), prob),
        reporting: cx.dist(&format!("{p}.reporting_delay"), delay),
    }
}
