//! Selectors: a part of the force named by what it is (nation, domain, kind, base,
//! capability) instead of by id, as whole-force changes, sweep factors and timed events
//! write it: `Contingents(kind: [IsrDrone])`, `Nations()`, `Sensors(kind: [Radar])`.
//!
//! Within one field the listed values are alternatives (any of them); fields combine (all of
//! them); a field left out matches everything. A selector that matches nothing is refused,
//! with the reason, where it was written.

use super::raw::{RawContingent, RawNation, RawScenario, RawSensor};
use super::vocab::{Capability, Domain, UnitKind};
use serde::Deserialize;

/// Contingents chosen by what they are: `Contingents(nation: ["POL", "LTU"], domain: [Land])`.
/// `Contingents()` is every contingent.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "Contingents")]
pub struct RawContingents {
    /// Contingent ids.
    #[serde(default)]
    pub id: Vec<String>,
    /// Nation codes.
    #[serde(default)]
    pub nation: Vec<String>,
    /// Domains.
    #[serde(default)]
    pub domain: Vec<Domain>,
    /// Kinds (`IsrDrone`, `Helicopter`, ...).
    #[serde(default)]
    pub kind: Vec<UnitKind>,
    /// Home base ids.
    #[serde(default)]
    pub base: Vec<String>,
    /// Capabilities: a contingent matches if it has any of them.
    #[serde(default)]
    pub capability: Vec<Capability>,
}

/// Nations chosen by code: `Nations(code: ["POL", "LTU"])`; `Nations()` is every nation.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "Nations")]
pub struct RawNations {
    /// Nation codes.
    #[serde(default)]
    pub code: Vec<String>,
}

/// Kind of a sensor, for [`RawSensors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum SensorKind {
    /// Satellite constellation.
    Satellite,
    /// Ground radar.
    Radar,
    /// Observation post.
    ObservationPost,
}

/// Sensors chosen by what they are: `Sensors(kind: [Radar], nation: ["ROU"])`;
/// `Sensors()` is every sensor.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "Sensors")]
pub struct RawSensors {
    /// Sensor ids.
    #[serde(default)]
    pub id: Vec<String>,
    /// Kinds.
    #[serde(default)]
    pub kind: Vec<SensorKind>,
    /// Operating nations.
    #[serde(default)]
    pub nation: Vec<String>,
}

/// A selector that cannot match: the field at fault (`nation[1]`, or empty for the whole
/// selector) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct NoMatch {
    /// Field within the selector, e.g. `nation[1]`.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

fn check_ids<'a>(
    field: &str,
    what: &str,
    wanted: &[String],
    known: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), NoMatch> {
    for (k, w) in wanted.iter().enumerate() {
        if !known.clone().any(|id| id == w) {
            let mut ids: Vec<String> = known.clone().map(|k| format!("\"{k}\"")).collect();
            let more = ids.len().saturating_sub(25);
            ids.truncate(25);
            if more > 0 {
                ids.push(format!("… ({more} more)"));
            }
            return Err(NoMatch {
                field: format!("{field}[{k}]"),
                message: format!(
                    "unknown {what} \"{w}\"; expected one of: {}",
                    ids.join(", ")
                ),
            });
        }
    }
    Ok(())
}

fn any_of<T: PartialEq>(list: &[T], x: &T) -> bool {
    list.is_empty() || list.contains(x)
}

/// The sensor's id, nation and kind.
pub(crate) fn sensor_parts(s: &RawSensor) -> (&str, &str, SensorKind) {
    match s {
        RawSensor::Satellite { id, nation, .. } => (id, nation, SensorKind::Satellite),
        RawSensor::Radar { id, nation, .. } => (id, nation, SensorKind::Radar),
        RawSensor::ObservationPost { id, nation, .. } => (id, nation, SensorKind::ObservationPost),
    }
}

impl RawContingents {
    /// Whether contingent `c` matches.
    pub fn matches(&self, c: &RawContingent) -> bool {
        any_of(&self.id, &c.id)
            && any_of(&self.nation, &c.nation)
            && any_of(&self.domain, &c.domain)
            && any_of(&self.kind, &c.kind)
            && any_of(&self.base, &c.base)
            && (self.capability.is_empty()
                || self.capability.iter().any(|k| c.capabilities.contains(k)))
    }

    /// Indices of the matching contingents of `raw`, in file order; an unknown id, nation or
    /// base, or a selection that matches nothing, is refused.
    pub fn resolve(&self, raw: &RawScenario) -> Result<Vec<usize>, NoMatch> {
        check_ids(
            "id",
            "contingent",
            &self.id,
            raw.contingents.iter().map(|c| c.id.as_str()),
        )?;
        check_ids(
            "nation",
            "nation",
            &self.nation,
            raw.nations.iter().map(|n| n.code.as_str()),
        )?;
        check_ids(
            "base",
            "base",
            &self.base,
            raw.bases.iter().map(|b| b.id.as_str()),
        )?;
        let out: Vec<usize> = (0..raw.contingents.len())
            .filter(|&i| self.matches(&raw.contingents[i]))
            .collect();
        if out.is_empty() {
            return Err(NoMatch {
                field: String::new(),
                message: format!(
                    "{} matches no contingent (of {}); every listed field must match, any listed value of a field",
                    self.describe(),
                    raw.contingents.len()
                ),
            });
        }
        Ok(out)
    }

    /// The selector as written, for messages.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.id.is_empty() {
            parts.push(format!("id: {:?}", self.id));
        }
        if !self.nation.is_empty() {
            parts.push(format!("nation: {:?}", self.nation));
        }
        if !self.domain.is_empty() {
            parts.push(format!("domain: {:?}", self.domain));
        }
        if !self.kind.is_empty() {
            parts.push(format!("kind: {:?}", self.kind));
        }
        if !self.base.is_empty() {
            parts.push(format!("base: {:?}", self.base));
        }
        if !self.capability.is_empty() {
            parts.push(format!("capability: {:?}", self.capability));
        }
        format!("Contingents({})", parts.join(", "))
    }
}

impl RawNations {
    /// Whether nation `n` matches.
    pub fn matches(&self, n: &RawNation) -> bool {
        any_of(&self.code, &n.code)
    }

    /// Indices of the matching nations of `raw`; an unknown code is refused.
    pub fn resolve(&self, raw: &RawScenario) -> Result<Vec<usize>, NoMatch> {
        check_ids(
            "code",
            "nation",
            &self.code,
            raw.nations.iter().map(|n| n.code.as_str()),
        )?;
        let out: Vec<usize> = (0..raw.nations.len())
            .filter(|&i| self.matches(&raw.nations[i]))
            .collect();
        if out.is_empty() {
            return Err(NoMatch {
                field: String::new(),
                message: "the scenario has no nation to match".into(),
            });
        }
        Ok(out)
    }
}

impl RawSensors {
    /// Whether sensor `s` matches.
    pub fn matches(&self, s: &RawSensor) -> bool {
        let (id, nation, kind) = sensor_parts(s);
        (self.id.is_empty() || self.id.iter().any(|x| x == id))
            && (self.nation.is_empty() || self.nation.iter().any(|x| x == nation))
            && any_of(&self.kind, &kind)
    }

    /// Indices of the matching sensors of `raw`; an unknown id or nation, or a selection
    /// that matches nothing, is refused.
    pub fn resolve(&self, raw: &RawScenario) -> Result<Vec<usize>, NoMatch> {
        check_ids(
            "id",
            "sensor",
            &self.id,
            raw.sensors.iter().map(|s| sensor_parts(s).0),
        )?;
        check_ids(
            "nation",
            "nation",
            &self.nation,
            raw.nations.iter().map(|n| n.code.as_str()),
        )?;
        let out: Vec<usize> = (0..raw.sensors.len())
            .filter(|&i| self.matches(&raw.sensors[i]))
            .collect();
        if out.is_empty() {
            return Err(NoMatch {
                field: String::new(),
                message: format!(
                    "Sensors(id: {:?}, kind: {:?}, nation: {:?}) matches no sensor (of {})",
                    self.id,
                    self.kind,
                    self.nation,
                    raw.sensors.len()
                ),
            });
        }
        Ok(out)
    }
}
