//! Benchmarks of forceplan, in one criterion harness. Setup (loading and preparing the
//! scenario) stays outside the timed routines.
//!
//! - `replication/default`: one 365-day replication of `scenarios/coalition-2026.ron`: its
//!   time is the seconds per replication-year, its throughput the violations per second
//!   (issue 10's measures; `scripts/measure-speed.sh` gives them in CPU time);
//! - `event_loop/mmc`: one replication of the M/M/c validation scenario (throughput in events);
//! - `dispatch/choose/xK`: one dispatch decision with the default force scaled ×1, ×4, ×16
//!   (each contingent copied K times at its base: the cost must not grow with K);
//! - `dispatch/replication_60d/xK`: a 60-day replication with every contingent K times as
//!   large (cost per event must stay flat as the force grows);
//! - `study/compare_4x10` against `study/run_40`: four options of the basing study × 10
//!   replications, and 40 replications of one scenario (30-day horizon, 2 threads): the
//!   comparison machinery must cost nothing beyond the replications themselves.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use forceplan::metrics::{SimOptions, replicate};
use forceplan::model::Prepared;
use forceplan::scenario::change::RawChange;
use forceplan::scenario::{self, Scenario, Source};
use rand::SeedableRng;
use std::hint::black_box;
use std::path::Path;

fn load(path: &str) -> Scenario {
    scenario::load(Path::new(env!("CARGO_MANIFEST_DIR")).join(path).as_path())
        .expect("shipped scenario validates")
}

fn replication(c: &mut Criterion) {
    let p = Prepared::new(load("scenarios/coalition-2026.ron"));
    assert_eq!(p.scenario.horizon_days(), 365.0, "a replication-year");
    let violations = replicate(&p, 0, SimOptions::default())
        .result
        .kpis
        .get(forceplan::metrics::Kpi::Violations);
    let mut g = c.benchmark_group("replication");
    g.sample_size(10);
    // Throughput in violations: criterion's elements per second are violations per second.
    g.throughput(Throughput::Elements(violations as u64));
    g.bench_function("default", |b| {
        b.iter(|| black_box(replicate(&p, 0, SimOptions::default())))
    });
    g.finish();
}

fn event_loop(c: &mut Criterion) {
    let p = Prepared::new(load("scenarios/validation/mmc.ron"));
    let events = replicate(&p, 0, SimOptions::default()).result.events;
    let mut g = c.benchmark_group("event_loop");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("mmc", |b| {
        b.iter(|| black_box(replicate(&p, 0, SimOptions::default())))
    });
    g.finish();
}

/// The default scenario as parsed, before validation: benches change it through typed
/// changes, as studies do, since a validated scenario is read-only.
fn source() -> Source {
    Source::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/coalition-2026.ron"))
        .expect("shipped scenario parses")
}

/// The default force with every contingent copied `k` times (new ids, same base).
fn copied(k: usize) -> Scenario {
    let src = source();
    let changes: Vec<RawChange> = (1..k)
        .flat_map(|copy| {
            src.raw().contingents.iter().map(move |c| {
                let mut c = c.clone();
                c.id = format!("{}-copy{copy}", c.id);
                RawChange::AddContingent(c)
            })
        })
        .collect();
    src.changed(&changes)
        .and_then(|s| s.validate())
        .expect("copied force validates")
}

/// The default force with every contingent `k` times as large, over `days` days.
fn enlarged(k: u32, days: u64) -> Scenario {
    let src = source();
    let mut changes: Vec<RawChange> = src
        .raw()
        .contingents
        .iter()
        .map(|c| RawChange::SetUnits {
            contingent: c.id.clone(),
            units: c.units * k,
        })
        .collect();
    changes.push(RawChange::SetHorizonDays(days as f64));
    src.changed(&changes)
        .and_then(|s| s.validate())
        .expect("enlarged force validates")
}

fn dispatch(c: &mut Criterion) {
    let mut g = c.benchmark_group("dispatch");
    for k in [1usize, 4, 16] {
        let sc = copied(k);
        let p = Prepared::new(sc);
        let sc = &p.scenario;
        // Queries: every answered (type, sector) pair at random points of its sector, with a
        // fixed pseudo-random half of the stations busy.
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(9);
        let mut queries = Vec::new();
        for (t, _) in sc.violation_types.iter().enumerate() {
            for (s, sector) in sc.sectors.iter().enumerate() {
                if let Some(pair) = p.dispatch.pair(t, s) {
                    for _ in 0..8 {
                        queries.push((pair, sector.geometry.sample(&mut rng), sector.lead_nation));
                    }
                }
            }
        }
        let busy: Vec<bool> = (0..p.dispatch.stations())
            .map(|i| (i * 7919) % 2 == 0)
            .collect();
        g.throughput(Throughput::Elements(queries.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("choose", format!("x{k}")),
            &queries,
            |b, q| {
                b.iter(|| {
                    for &(pair, pos, lead) in q {
                        black_box(p.dispatch.choose(pair, pos, lead, |st| !busy[st as usize]));
                    }
                })
            },
        );
    }
    g.sample_size(10);
    for k in [1u32, 4, 16] {
        let p = Prepared::new(enlarged(k, 60));
        let events = replicate(&p, 0, SimOptions::default()).result.events;
        g.throughput(Throughput::Elements(events));
        g.bench_function(BenchmarkId::new("replication_60d", format!("x{k}")), |b| {
            b.iter(|| black_box(replicate(&p, 0, SimOptions::default())))
        });
    }
    g.finish();
}

fn study(c: &mut Criterion) {
    use forceplan::experiment::plan::{Inputs, Kind, Params, Plan};
    use forceplan::experiment::{ExecOptions, all_items, execute};
    use std::sync::atomic::AtomicBool;
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/studies/basing.ron");
    let params = Params {
        seed: None,
        replications: Some(10),
        kpi: None,
        warm_up_days: None,
        horizon_days: None,
    };
    // The study over a 30-day version of its scenario: both files sealed, the scenario's
    // horizon changed in its text (a study file cannot change the horizon).
    let study_file = file.display().to_string();
    let scenario_file = file
        .parent()
        .expect("studies live in a directory")
        .join("../coalition-2026.ron")
        .display()
        .to_string();
    let scenario_text = std::fs::read_to_string(&scenario_file)
        .expect("shipped scenario reads")
        .replacen("horizon_days: 365,", "horizon_days: 30,", 1);
    assert!(scenario_text.contains("horizon_days: 30,"));
    let inputs = Inputs::sealed(vec![
        (
            study_file.clone(),
            std::fs::read_to_string(&file).expect("shipped study reads"),
        ),
        (scenario_file, scenario_text),
    ]);
    let mut plan =
        Plan::load(Kind::Compare, &study_file, inputs, params).expect("shipped study validates");
    plan.variants.truncate(4);
    let variants: Vec<&Prepared> = plan.variants.iter().map(|v| &v.prepared).collect();
    let opts = ExecOptions {
        threads: 2,
        trace: false,
        timeline: true,
        pool: false,
    };
    let stop = AtomicBool::new(false);
    let mut g = c.benchmark_group("study");
    g.sample_size(10);
    let compare_items = all_items(4, 0..10);
    g.bench_function("compare_4x10", |b| {
        b.iter(|| {
            let exec =
                execute(&variants, &compare_items, opts, &|_| Ok(()), None, &stop).expect("runs");
            let grouped = forceplan::experiment::ByVariant::group(4, exec.results);
            black_box(forceplan::experiment::compare::compare(
                &grouped.results,
                &plan.kpi,
            ))
        })
    });
    let run_items = all_items(1, 0..40);
    g.bench_function("run_40", |b| {
        b.iter(|| {
            let exec =
                execute(&variants[..1], &run_items, opts, &|_| Ok(()), None, &stop).expect("runs");
            black_box(forceplan::metrics::Aggregate::of(
                &forceplan::experiment::ByVariant::group(1, exec.results).results[0],
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, replication, event_loop, dispatch, study);
criterion_main!(benches);
