//! The result-file types of `theatre.json`, re-exported by [`super::files`]: bases, sector
//! shapes, violation types with their targets, sensors, satellites and drone fleets.

use super::files::PerDomain;
use serde::{Deserialize, Serialize};

/// A base in `theatre.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseEntry {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Latitude \[deg\].
    pub lat: f64,
    /// Longitude \[deg\].
    pub lon: f64,
    /// Kind of base.
    pub kind: String,
    /// Responder units stationed, per domain.
    pub units: PerDomain<u64>,
    /// ISR drones stationed.
    pub isr_drones: u64,
}

/// A sector's shape in `theatre.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorShapeEntry {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Domain key.
    pub domain: String,
    /// `line` or `polygon`.
    pub kind: String,
    /// Vertices as `\[lon, lat\]` \[deg\].
    pub points: Vec<[f64; 2]>,
}

/// A violation type in `theatre.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViolationTypeEntry {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Domain key.
    pub domain: String,
    /// Severity key.
    pub severity: String,
    /// Response-time target \[h\]; `None` for monitor-only types.
    pub target_h: Option<f64>,
}

/// `theatre.json`: what the plots need from the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TheatreFile {
    /// Version of forceplan that wrote it.
    pub forceplan_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario file as given.
    pub scenario_file: String,
    /// Hash of the scenario source (hexadecimal).
    pub scenario_hash: String,
    /// Description, whitespace collapsed.
    pub description: String,
    /// Bases.
    pub bases: Vec<BaseEntry>,
    /// Sectors.
    pub sectors: Vec<SectorShapeEntry>,
    /// Violation types.
    pub violation_types: Vec<ViolationTypeEntry>,
    /// Radars and observation posts with their ranges (absent in files of older versions).
    #[serde(default)]
    pub sensors: Vec<SensorEntry>,
    /// Satellites: the sectors each covers and its revisit (absent in older files).
    #[serde(default)]
    pub satellites: Vec<SatelliteEntry>,
    /// ISR drone fleets and the sectors they orbit (absent in older files).
    #[serde(default)]
    pub drone_fleets: Vec<DroneFleetEntry>,
    /// Timed escalation windows (`Escalate` events and study changes), the sectors of each
    /// window together, by opening time (absent when the scenario has none, and in older
    /// files). Random escalation bursts are drawn per replication and are not listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<EscalationWindowEntry>,
}

/// A timed escalation window in `theatre.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationWindowEntry {
    /// Ids of the sectors whose rate it multiplies.
    pub sectors: Vec<String>,
    /// Opens at \[h since the start of a replication\].
    pub from_h: f64,
    /// Closes at \[h\] (exclusive).
    pub until_h: f64,
    /// Factor on the rate while open (below 1: a lull).
    pub rate_multiplier: f64,
}

/// A radar or observation post in `theatre.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensorEntry {
    /// Id.
    pub id: String,
    /// Operating nation (ISO code).
    pub nation: String,
    /// `radar` or `observation-post`.
    pub kind: String,
    /// Latitude \[deg\].
    pub lat: f64,
    /// Longitude \[deg\].
    pub lon: f64,
    /// Range \[km\].
    pub range_km: f64,
    /// Domain keys of the violations it sees.
    pub domains: Vec<String>,
}

/// A satellite in `theatre.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SatelliteEntry {
    /// Id.
    pub id: String,
    /// Operating nation (ISO code).
    pub nation: String,
    /// Ids of the sectors it covers.
    pub sectors: Vec<String>,
    /// Revisit interval per sector \[h\].
    pub revisit_h: f64,
}

/// An ISR drone fleet in `theatre.json`: drone k orbits `sectors[k % sectors.len()]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroneFleetEntry {
    /// Contingent id.
    pub id: String,
    /// Nation (ISO code).
    pub nation: String,
    /// Base id.
    pub base: String,
    /// Drones.
    pub units: u64,
    /// Ids of the sectors orbited.
    pub sectors: Vec<String>,
    /// Drones per sector, in the order of `sectors`.
    pub drones_per_sector: Vec<u64>,
    /// Endurance \[h\].
    pub endurance_h: f64,
}
