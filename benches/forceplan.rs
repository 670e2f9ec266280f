//! Benchmarks of forceplan, in one criterion harness. Setup (loading and preparing the
//! scenario) stays outside the timed routines.
//!
//! - `replication/default`: one 365-day replication of `scenarios/coalition-2026.ron`;
//! - `event_loop/mmc`: one replication of the M/M/c validation scenario (throughput in events);
//! - `dispatch/choose/xK`: one dispatch decision with the default force scaled ×1, ×4, ×16
//!   (each contingent copied K times at its base: the cost must not grow with K);
//! - `dispatch/replication_60d/xK`: a 60-day replication with every contingent K times as
//!   large (cost per event must stay flat as the force grows).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use forceplan::model::{Prepared, SimOptions, simulate};
use forceplan::scenario::{self, Scenario};
use forceplan::time::SimDuration;
use rand::SeedableRng;
use std::hint::black_box;
use std::path::Path;

fn load(path: &str) -> Scenario {
    scenario::load(Path::new(env!("CARGO_MANIFEST_DIR")).join(path).as_path())
        .expect("shipped scenario validates")
}

fn replication(c: &mut Criterion) {
    let p = Prepared::new(load("scenarios/coalition-2026.ron"));
    let events = simulate(&p, 0, SimOptions::default()).result.events;
    let mut g = c.benchmark_group("replication");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("default", |b| {
        b.iter(|| black_box(simulate(&p, 0, SimOptions::default())))
    });
    g.finish();
}

fn event_loop(c: &mut Criterion) {
    let p = Prepared::new(load("scenarios/validation/mmc.ron"));
    let events = simulate(&p, 0, SimOptions::default()).result.events;
    let mut g = c.benchmark_group("event_loop");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("mmc", |b| {
        b.iter(|| black_box(simulate(&p, 0, SimOptions::default())))
    });
    g.finish();
}

/// The default force with every contingent copied `k` times (new ids, same base).
fn copied(k: usize) -> Scenario {
    let mut sc = load("scenarios/coalition-2026.ron");
    let original = sc.contingents.clone();
    for copy in 1..k {
        for c in &original {
            let mut c = c.clone();
            c.id = format!("{}-copy{copy}", c.id);
            sc.contingents.push(c);
        }
    }
    sc
}

/// The default force with every contingent `k` times as large.
fn enlarged(k: u32, days: u64) -> Scenario {
    let mut sc = load("scenarios/coalition-2026.ron");
    for c in &mut sc.contingents {
        c.units *= k;
    }
    sc.horizon = SimDuration(days * 86_400);
    sc
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
        let events = simulate(&p, 0, SimOptions::default()).result.events;
        g.throughput(Throughput::Elements(events));
        g.bench_function(BenchmarkId::new("replication_60d", format!("x{k}")), |b| {
            b.iter(|| black_box(simulate(&p, 0, SimOptions::default())))
        });
    }
    g.finish();
}

criterion_group!(benches, replication, event_loop, dispatch);
criterion_main!(benches);
