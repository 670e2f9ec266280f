//! The vocabulary shared by scenario files and the validated model: domains, capabilities,
//! severities and the other closed sets a planner chooses from.

use serde::{Deserialize, Serialize};

/// The three domains of the force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Domain {
    /// Airspace.
    Air,
    /// Sea areas.
    Sea,
    /// Land, along the line of contact.
    Land,
}

/// What a unit can do on scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Capability {
    /// Go and look: verify, document, report.
    Investigate,
    /// Intercept an aircraft or vessel.
    Intercept,
    /// Show of force, interposition, deterrence by presence.
    Deter,
    /// Escort shipping.
    Escort,
    /// Find and clear mines.
    MineClearance,
    /// Persistent surveillance (ISR).
    Surveil,
}

/// How serious a violation is; also the dispatch priority (Critical first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Severity {
    /// Minor.
    Minor,
    /// Moderate.
    Moderate,
    /// Serious.
    Serious,
    /// Critical.
    Critical,
}

/// What a base is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum BaseKind {
    /// Air base or airfield.
    AirBase,
    /// Naval base or port.
    Port,
    /// Army garrison or forward operating base.
    Garrison,
    /// Headquarters.
    Headquarters,
    /// Logistics hub.
    Logistics,
}

/// What a contingent is (descriptive, for reports; behaviour comes from the other fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum UnitKind {
    /// Fighter aircraft on quick reaction alert.
    FighterQra,
    /// Intelligence, surveillance and reconnaissance drones.
    IsrDrone,
    /// Maritime patrol aircraft.
    MaritimePatrolAircraft,
    /// Helicopters.
    Helicopter,
    /// Frigates.
    Frigate,
    /// Corvettes and offshore patrol vessels.
    Corvette,
    /// Mine countermeasures vessels.
    MineCountermeasures,
    /// Mechanised infantry.
    MechanisedInfantry,
    /// Light infantry.
    LightInfantry,
    /// Engineers.
    Engineers,
    /// Military police.
    MilitaryPolice,
    /// Unarmed monitors.
    Monitors,
}

/// How HQ chooses a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum DispatchPolicy {
    /// The eligible available unit with the earliest estimated arrival.
    FastestArrival,
    /// Units of the sector's lead nation first (fastest among them), then fastest overall.
    LeadNationFirst,
}

/// Order in which queued violations are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum QueuePriority {
    /// Highest severity first, then oldest.
    SeverityThenAge,
    /// Oldest first.
    Fifo,
}

impl Domain {
    /// All domains, in report order.
    pub const ALL: [Domain; 3] = [Domain::Air, Domain::Sea, Domain::Land];

    /// Position in [`Domain::ALL`].
    pub fn index(self) -> usize {
        match self {
            Domain::Air => 0,
            Domain::Sea => 1,
            Domain::Land => 2,
        }
    }

    /// Lower-case name, as used in output files.
    pub fn key(self) -> &'static str {
        match self {
            Domain::Air => "air",
            Domain::Sea => "sea",
            Domain::Land => "land",
        }
    }
}

impl Capability {
    /// A one-bit mask for sets of capabilities.
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl Severity {
    /// Lower-case name, as used in output files.
    pub fn key(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Moderate => "moderate",
            Severity::Serious => "serious",
            Severity::Critical => "critical",
        }
    }
}
