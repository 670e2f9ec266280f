//! # forceplan
//!
//! A multinational force planning simulator: a discrete-event simulation, on a bevy_ecs
//! `World`, of the air, sea and land contingents of a ceasefire coalition, the sensors that
//! detect violations, the command chain that decides and the units that respond.
//!
//! ```no_run
//! use forceplan::prelude::*;
//!
//! let scenario = forceplan::scenario::load("scenarios/coalition-2026.ron".as_ref())?;
//! let prepared = Prepared::new(scenario);
//! let outcome = forceplan::metrics::replicate(&prepared, 0, Default::default());
//! println!("p90 response time: {:.2} h", outcome.result.kpis[Kpi::ResponseTimeP90H]);
//! # Ok::<(), forceplan::Error>(())
//! ```
//!
//! Data flows one way, and lower layers never import higher ones:
//! [`scenario`] (RON → raw types → validated [`Scenario`](scenario::Scenario)) →
//! [`engine`] (clock, event queue, random streams, the loop) → [`model`] (components and
//! handlers) → [`metrics`] (records, KPIs, statistics) → [`experiment`] (replications in
//! parallel; [`experiment::runner`] orchestrates fresh, resumed, sharded and precision-driven
//! runs) → [`report`] (tables and files) → [`plot`] → [`workflow`] (a command's work into its
//! output directory). The library never prints; the binary does.

// The house rules, kept by the compiler (CI runs clippy with `-D warnings`):
// every public item documented; nothing `pub` that no one outside can reach; no printing
// from the library (progress goes through callbacks, text through return values); and every
// lint exception says why.
#![warn(missing_docs)]
#![warn(unreachable_pub)]
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(clippy::dbg_macro)]
#![warn(clippy::allow_attributes_without_reason)]

pub mod dist;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod geo;
pub mod hash;
pub mod metrics;
pub mod model;
pub mod plot;
pub mod report;
pub mod scenario;
pub mod time;
pub mod validation;
pub mod workflow;

pub use error::{Error, Result};

/// The names most programs need.
pub mod prelude {
    pub use crate::error::{Error, Result};
    pub use crate::experiment::plan::{Kind, Plan};
    pub use crate::experiment::{ExecOptions, Execution, Item, execute};
    pub use crate::metrics::{KPI_NAMES, Kpi, Kpis, ReplicationResult};
    pub use crate::model::Prepared;
    pub use crate::scenario::{Domain, Scenario};
    pub use crate::time::{SimDuration, SimTime};
}
