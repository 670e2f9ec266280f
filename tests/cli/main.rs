//! The integration tests of forceplan: one test binary that runs the real `forceplan`
//! executable (and, where a test needs internals, the library).
//!
//! Modules:
//! - [`bounds`]: every input of the hostile and fuzz corpora ends with exit 0 or 2, no panic,
//!   no hang, under 200 MB;
//! - [`validate`]: `forceplan validate` on the shipped scenarios, and every broken file in
//!   `tests/data/bad/` giving exit code 2 with the place and the problem;
//! - [`run`]: `forceplan run` output files and their contents;
//! - [`determinism`]: same seed → same bytes, whatever the thread count;
//! - [`hostile`]: hostile inputs (garbage, 50 MB, absurd numbers, odd paths) refused with exit code 2;
//! - [`input_hostile`]: devices, FIFOs, unusable names, overflowing weights, bad polygons and
//!   negative sweep levels refused at validation, with the place;
//! - [`layers`]: no import runs back up the chain of modules that ARCHITECTURE.md draws;
//! - [`interrupt`]: Ctrl-C keeps finished replications; `--resume` completes the run;
//! - [`crn`]: common random numbers — force options see identical violations;
//! - [`properties`]: property tests over random small scenarios (proptest);
//! - [`queueing`]: the M/M/c validation scenario against Erlang C;
//! - [`study`]: `compare`, `sweep`, `--shard` and `merge`;
//! - [`design`]: NOLH sweep designs, the factor-effect ranking and its tornado plot;
//! - [`validation_suite`]: `validate-model` and the committed `VALIDATION.md`;
//! - [`plots`]: plot files are valid PNG/SVG and draw what the results hold;
//! - [`plots_labels`]: plot labels sit on the data they label, read from the SVG text;
//! - [`report`]: `report.html` is self-contained and loads in headless Chromium;
//! - [`language`]: the planning language of issue 12 (selectors, timed events,
//!   `--horizon-days`, `validate` on studies and sweeps, named baselines, the study tutorial);
//! - [`results_integrity`]: shard partials and checkpoints are checked (checksums, items bit
//!   for bit, items outside the plan) before a merge or a resume uses them.
//! - [`answers`]: results per violation type and sector, scoped KPI names, honest percentiles
//!   and findings, checked against a `--trace` run.
//! - [`breakdowns`]: the stage breakdown per type and sector in `summary.json` and
//!   `stages.csv`, timed escalation windows shaded on the timeline SVG, sectors no fixed
//!   sensor or drone watches named in the findings, a sweep's paired differences against its
//!   base scenario (sharded and merged alike).
//! - [`optimise`]: `forceplan optimise`: the same optimum for any thread count, `best.ron` run
//!   by `compare`, resume from the journal, `FewestUnits` confirmation, located errors, and
//!   seeded searches within delta of the exhaustive truth.
//! - [`optimise_start`]: where the search starts (`start: Screen | Base`), echoed in
//!   `optimum.json` and `validate`, a bad value located.
//! - [`optimise_stats`]: constraints decided by the sequential feasibility procedure (tolerance
//!   validated, procedure named in `optimum.json`), objectives undefined (NaN) in a replication
//!   set aside or refused with exit 2, with OCBA and KN.

mod answers;
mod bounds;
mod breakdowns;
mod common;
mod crn;
mod design;
mod determinism;
mod hostile;
mod input_hostile;
mod interrupt;
mod language;
mod layers;
mod optimise;
mod optimise_start;
mod optimise_stats;
mod plots;
mod plots_labels;
mod properties;
mod queueing;
mod report;
mod results_integrity;
mod run;
mod study;
mod validate;
mod validation_suite;
