//! The analytic screen: a maximal expected covering location problem (MEXCLP, Daskin 1983)
//! built from the scenario for each `Place` decision, whose solution is the search's starting
//! placement.
//!
//! Demand points are the points of each sector's geometry, weighted by the sector's expected
//! violations per day that need a response the placed contingents can give (their domain and
//! one of their capabilities), shared equally among its points. A candidate base covers a point
//! when the transit from it (great-circle distance × the domain's route factor ÷ the slowest
//! placed contingent's speed) is within the mean response target of those types. The busy
//! fraction is the expected load: demand per hour × (mean time on scene + 2 × mean target) ÷
//! the contingents placed, capped at 0.9.

use super::mexclp::{MexclpInstance, solve};
use super::space::{PlanVec, Space};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::scenario::problem::Choice;

/// The MEXCLP instance of the `Place` variables `vars` (indices into the space's variables, all
/// with the same candidate bases), or `None` when nothing needs their response.
pub fn instance(sc: &Scenario, space: &Space, vars: &[usize]) -> Option<MexclpInstance> {
    let v0 = space.variables().get(*vars.first()?)?;
    let Choice::Base(bases) = &v0.choice else {
        return None;
    };
    let placed: Vec<_> = vars
        .iter()
        .filter_map(|&i| {
            sc.contingents
                .iter()
                .find(|c| c.id == space.variables()[i].contingent)
        })
        .collect();
    let first = placed.first()?;
    let domain = first.domain;
    let speed = placed
        .iter()
        .map(|c| c.speed_kmh)
        .fold(f64::INFINITY, f64::min);
    let answers = |t: &crate::scenario::ViolationType| {
        t.response.as_ref().is_some_and(|r| {
            r.responders.contains(domain)
                && placed.iter().any(|c| c.capabilities.contains(r.capability))
        })
    };
    let (mut per_day, mut target_s, mut scene_s, mut weight) = (Vec::new(), 0.0, 0.0, 0.0);
    for s in &sc.sectors {
        let rate: f64 = (0..sc.violation_types.len())
            .filter(|&t| answers(&sc.violation_types[t]))
            .map(|t| {
                let w = s.expected_per_day() * s.type_share(t);
                let r = sc.violation_types[t].response.as_ref().expect("answered");
                target_s += w * r.target.secs() as f64;
                scene_s += w * r.on_scene.mean_secs();
                weight += w;
                w
            })
            .sum();
        per_day.push(rate);
    }
    if weight <= 0.0 {
        return None;
    }
    let target_h = target_s / weight / 3600.0;
    let scene_h = scene_s / weight / 3600.0;
    let base_pos: Vec<_> = bases
        .iter()
        .map(|b| sc.bases.iter().find(|x| &x.id == b).map(|x| x.pos))
        .collect::<Option<Vec<_>>>()?;
    let route = sc.command.route_factor(domain);
    let (mut demand, mut covers) = (Vec::new(), Vec::new());
    for (s, rate) in sc.sectors.iter().zip(&per_day) {
        let pts = s.geometry.points();
        if *rate <= 0.0 || pts.is_empty() {
            continue;
        }
        for p in pts {
            demand.push(rate / pts.len() as f64);
            covers.push(
                (0..base_pos.len())
                    .filter(|&i| base_pos[i].distance_km(*p) * route / speed <= target_h)
                    .collect(),
            );
        }
    }
    let units = vars.len() as u32;
    let per_hour = weight / 24.0;
    let busy = (per_hour * (scene_h + 2.0 * target_h) / f64::from(units)).clamp(0.0, 0.9);
    Some(MexclpInstance {
        demand,
        covers,
        bases: bases.len(),
        units,
        busy_fraction: busy,
        max_per_base: vec![units; bases.len()],
    })
}

/// The starting plan: `start` with each `Place` decision's contingents placed as its MEXCLP
/// solution says (a decision whose instance is empty keeps `start`); with the instances
/// solved, for the output.
pub fn screen(sc: &Scenario, space: &Space, start: &[i64]) -> Result<(PlanVec, Vec<String>)> {
    let mut plan = start.to_vec();
    let mut notes = Vec::new();
    let vars = space.variables();
    let mut decisions: Vec<usize> = vars
        .iter()
        .filter(|v| matches!(v.choice, Choice::Base(_)))
        .map(|v| v.decision)
        .collect();
    decisions.dedup();
    for d in decisions {
        let idx: Vec<usize> = (0..vars.len()).filter(|&i| vars[i].decision == d).collect();
        // Only contingents with the same candidate bases share one instance.
        if idx.iter().any(|&i| vars[i].choice != vars[idx[0]].choice) {
            continue;
        }
        let Some(inst) = instance(sc, space, &idx) else {
            continue;
        };
        let sol = solve(&inst)?;
        let mut slots = Vec::new();
        for (b, &n) in sol.units_per_base.iter().enumerate() {
            slots.extend(std::iter::repeat_n(b as i64, n as usize));
        }
        if slots.len() == idx.len() {
            for (&i, b) in idx.iter().zip(slots) {
                plan[i] = b;
            }
            notes.push(format!(
                "MEXCLP screen of decision {d}: {} demand points, busy fraction {:.3}, expected coverage {:.3} per day",
                inst.demand.len(),
                inst.busy_fraction,
                sol.expected_coverage
            ));
        }
    }
    let plan = space.canonical(&plan);
    Ok(if space.within_limits(&plan) {
        (plan, notes)
    } else {
        (start.to_vec(), Vec::new())
    })
}
