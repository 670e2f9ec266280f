//! Changes to a selection of the force: every contingent, nation or sensor a selector
//! matches, set to a value or changed relative to its own (`add`, `times`).

use super::super::raw::*;
use super::super::select::NoMatch;
use super::{ChangeError, RawChange};

/// The error of a selector written at field `at` of a change.
pub(super) fn no_match(at: &str, e: NoMatch) -> ChangeError {
    ChangeError {
        field: if e.field.is_empty() {
            at.to_string()
        } else {
            format!("{at}.{}", e.field)
        },
        message: e.message,
    }
}

fn whole(message: String) -> ChangeError {
    ChangeError {
        field: String::new(),
        message,
    }
}

/// Checks that exactly one of the forms (`set`, `add`, `times`) is given.
fn one_of(given: &[(&str, bool)]) -> Result<(), ChangeError> {
    let n = given.iter().filter(|g| g.1).count();
    if n == 1 {
        return Ok(());
    }
    let names: Vec<&str> = given.iter().map(|g| g.0).collect();
    Err(whole(format!(
        "give exactly one of {}, got {n}",
        names.join(", ")
    )))
}

fn factor(field: &str, f: f64) -> Result<f64, ChangeError> {
    if f.is_finite() && f >= 0.0 {
        Ok(f)
    } else {
        Err(ChangeError {
            field: field.to_string(),
            message: format!("expected a factor ≥ 0, got {f}"),
        })
    }
}

/// `d` scaled by `f`.
fn scaled_duration(d: RawDuration, f: f64) -> RawDuration {
    match d {
        RawDuration::Seconds(x) => RawDuration::Seconds(x * f),
        RawDuration::Minutes(x) => RawDuration::Minutes(x * f),
        RawDuration::Hours(x) => RawDuration::Hours(x * f),
        RawDuration::Days(x) => RawDuration::Days(x * f),
    }
}

/// Every duration of `d` scaled by `f` (a factor of 0 gives no delay at all).
pub(super) fn scaled_dist(d: &RawDist, f: f64) -> RawDist {
    if f == 0.0 {
        return RawDist::Fixed(RawDuration::Seconds(0.0));
    }
    let s = |x: &RawDuration| scaled_duration(*x, f);
    match d {
        RawDist::Fixed(x) => RawDist::Fixed(s(x)),
        RawDist::Uniform { min, max } => RawDist::Uniform {
            min: s(min),
            max: s(max),
        },
        RawDist::Exponential { mean } => RawDist::Exponential { mean: s(mean) },
        RawDist::Triangular { min, mode, max } => RawDist::Triangular {
            min: s(min),
            mode: s(mode),
            max: s(max),
        },
        RawDist::LogNormal { median, p90 } => RawDist::LogNormal {
            median: s(median),
            p90: s(p90),
        },
    }
}

/// Applies a change to a selection (one of the variants routed here by `RawChange::apply`).
pub(super) fn apply(ch: &RawChange, raw: &mut RawScenario) -> Result<(), ChangeError> {
    match ch {
        RawChange::Units {
            of,
            set,
            add,
            times,
        } => {
            one_of(&[
                ("set", set.is_some()),
                ("add", add.is_some()),
                ("times", times.is_some()),
            ])?;
            let list = of.resolve(raw).map_err(|e| no_match("of", e))?;
            let f = times.map(|f| factor("times", f)).transpose()?;
            for c in list {
                let c = &mut raw.contingents[c];
                let new = match (set, add, f) {
                    (Some(n), _, _) => i128::from(*n),
                    (_, Some(a), _) => i128::from(c.units) + i128::from(*a),
                    (_, _, Some(f)) => (f64::from(c.units) * f).round().min(1e12) as i128,
                    _ => unreachable!("one_of checked"),
                };
                c.units = u32::try_from(new).map_err(|_| ChangeError {
                    field: if add.is_some() { "add" } else { "times" }.into(),
                    message: format!(
                        "would give contingent \"{}\" {new} units (it has {}); expected 0 to {}",
                        c.id,
                        c.units,
                        u32::MAX
                    ),
                })?;
            }
        }
        RawChange::NoticeToMove { of, set, times } => {
            one_of(&[("set", set.is_some()), ("times", times.is_some())])?;
            let list = of.resolve(raw).map_err(|e| no_match("of", e))?;
            let f = times.map(|f| factor("times", f)).transpose()?;
            for c in list {
                let c = &mut raw.contingents[c];
                c.notice_to_move = match (set, f) {
                    (Some(d), _) => d.clone(),
                    (_, Some(f)) => scaled_dist(&c.notice_to_move, f),
                    _ => unreachable!("one_of checked"),
                };
            }
        }
        RawChange::Speed {
            of,
            set,
            add,
            times,
        } => {
            one_of(&[
                ("set", set.is_some()),
                ("add", add.is_some()),
                ("times", times.is_some()),
            ])?;
            let list = of.resolve(raw).map_err(|e| no_match("of", e))?;
            let f = times.map(|f| factor("times", f)).transpose()?;
            for c in list {
                let c = &mut raw.contingents[c];
                c.speed_kmh = match (set, add, f) {
                    (Some(v), _, _) => *v,
                    (_, Some(a), _) => c.speed_kmh + a,
                    (_, _, Some(f)) => c.speed_kmh * f,
                    _ => unreachable!("one_of checked"),
                };
            }
        }
        RawChange::Move { of, to } => {
            if !raw.bases.iter().any(|b| &b.id == to) {
                return Err(super::unknown(
                    "to",
                    "base",
                    to,
                    raw.bases.iter().map(|b| b.id.clone()),
                ));
            }
            for c in of.resolve(raw).map_err(|e| no_match("of", e))? {
                raw.contingents[c].base = to.clone();
            }
        }
        RawChange::Remove(sel) => {
            let list = sel.resolve(raw).map_err(|e| no_match("", e))?;
            let mut k = 0;
            raw.contingents.retain(|_| {
                k += 1;
                !list.contains(&(k - 1))
            });
        }
        RawChange::ApprovalDelay { of, set, times } => {
            one_of(&[("set", set.is_some()), ("times", times.is_some())])?;
            let list = of.resolve(raw).map_err(|e| no_match("of", e))?;
            let f = times.map(|f| factor("times", f)).transpose()?;
            for n in list {
                let n = &mut raw.nations[n];
                n.approval_delay = match (set, f) {
                    (Some(d), _) => Some(d.clone()),
                    (_, Some(0.0)) => None,
                    (_, Some(f)) => n.approval_delay.as_ref().map(|d| scaled_dist(d, f)),
                    _ => unreachable!("one_of checked"),
                };
            }
        }
        RawChange::DropCaveats(sel) => {
            for n in sel.resolve(raw).map_err(|e| no_match("", e))? {
                raw.nations[n].caveats.clear();
            }
        }
        RawChange::AddCaveats { of, caveat } => {
            for n in of.resolve(raw).map_err(|e| no_match("of", e))? {
                raw.nations[n].caveats.push(caveat.clone());
            }
        }
        RawChange::DetectionProbability { of, set, times } => {
            one_of(&[("set", set.is_some()), ("times", times.is_some())])?;
            let list = of.resolve(raw).map_err(|e| no_match("of", e))?;
            let f = times.map(|f| factor("times", f)).transpose()?;
            for s in list {
                let p = match &mut raw.sensors[s] {
                    RawSensor::Satellite {
                        detection_probability: p,
                        ..
                    }
                    | RawSensor::Radar {
                        detection_probability: p,
                        ..
                    }
                    | RawSensor::ObservationPost {
                        detection_probability: p,
                        ..
                    } => p,
                };
                *p = match (set, f) {
                    (Some(v), _) => *v,
                    (_, Some(f)) => (*p * f).min(1.0),
                    _ => unreachable!("one_of checked"),
                };
            }
        }
        _ => unreachable!("RawChange::apply routes only selection changes here"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::super::Source;
    use super::super::super::problems::Problems;
    use super::*;
    use crate::error::Error;
    use std::path::Path;

    fn tutorial() -> Source {
        Source::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron"))
            .expect("the tutorial parses")
    }

    fn change(ron: &str) -> RawChange {
        crate::scenario::parse_ron(ron, "change.ron").expect("the change parses")
    }

    fn units(src: &Source, id: &str) -> u32 {
        src.raw()
            .contingents
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .units
    }

    #[test]
    fn selectors_match_by_kind_nation_domain_base_and_capability() {
        let t = tutorial();
        let s = t
            .changed(&[change("Units(of: Contingents(kind: [IsrDrone]), add: 1)")])
            .unwrap();
        assert_eq!(units(&s, "gbr-isr-drones"), 3);
        assert_eq!(units(&s, "gbr-infantry"), 6);
        let s = t
            .changed(&[change(
                r#"Units(of: Contingents(nation: ["GBR", "IRL"], domain: [Land]), times: 2)"#,
            )])
            .unwrap();
        assert_eq!(
            (units(&s, "gbr-infantry"), units(&s, "irl-monitors")),
            (12, 4)
        );
        assert_eq!(units(&s, "gbr-maritime-helicopter"), 2);
        let s = t
            .changed(&[change(
                r#"Units(of: Contingents(base: ["kulbakino"]), set: 5)"#,
            )])
            .unwrap();
        assert_eq!(units(&s, "gbr-maritime-helicopter"), 5);
        assert_eq!(units(&s, "gbr-isr-drones"), 5);
        assert_eq!(units(&s, "rou-corvettes"), 2);
        let s = t
            .changed(&[change(
                "Units(of: Contingents(capability: [MineClearance]), add: -1)",
            )])
            .unwrap();
        assert_eq!(units(&s, "rou-minehunter"), 0);
        // Every contingent.
        let s = t
            .changed(&[change("Units(of: Contingents(), times: 0)")])
            .unwrap();
        assert!(s.raw().contingents.iter().all(|c| c.units == 0));
    }

    #[test]
    fn relative_forms_scale_delays_and_nations() {
        let t = tutorial();
        let s = t
            .changed(&[
                change("NoticeToMove(of: Contingents(domain: [Land]), times: 0.5)"),
                change("ApprovalDelay(of: Nations(), times: 0)"),
                change(r#"DropCaveats(Nations(code: ["IRL"]))"#),
                change("Speed(of: Contingents(domain: [Sea]), add: 10)"),
            ])
            .unwrap();
        assert!(s.raw().nations.iter().all(|n| n.approval_delay.is_none()));
        let irl = s.raw().nations.iter().find(|n| n.code == "IRL").unwrap();
        assert!(irl.caveats.is_empty());
        let before = &t.raw().contingents[0];
        let after = &s.raw().contingents[0];
        assert_eq!(
            after.notice_to_move,
            scaled_dist(&before.notice_to_move, 0.5)
        );
        assert_ne!(after.notice_to_move, before.notice_to_move);
        let sea = |src: &Source| {
            src.raw()
                .contingents
                .iter()
                .find(|c| c.id == "rou-corvettes")
                .unwrap()
                .speed_kmh
        };
        assert_eq!(sea(&s), sea(&t) + 10.0);
        s.validate().expect("still valid");
    }

    #[test]
    fn a_selector_that_matches_nothing_is_refused_at_its_line() {
        let t = tutorial();
        let study = "Study(\n  name: \"x\",\n  scenario: \"t.ron\",\n  options: [(name: \"a\", changes: [\n    Units(of: Contingents(nation: [\"ROU\"], domain: [Land]), add: 1),\n    Units(of: Contingents(nation: [\"ROU\", \"XXX\"]), add: 1),\n  ])],\n)";
        let raw: crate::scenario::study::RawStudy =
            crate::scenario::parse_ron(study, "s.ron").unwrap();
        let mut pr = Problems::new();
        let ch = &raw.options[0].changes;
        for (j, c) in ch.iter().enumerate() {
            let path = format!("options[0].changes[{j}]");
            let _ = t.variant(&[(path, c)], "option \"a\"", &mut pr);
        }
        let Err(Error::Invalid { problems }) = pr.finish("s.ron", study) else {
            panic!("expected problems")
        };
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].message.contains("matches no contingent"),
            "{problems:?}"
        );
        assert_eq!(problems[0].at.map(|a| (a.line, a.col)), Some((5, 15)));
        assert!(problems[1].message.contains("unknown nation \"XXX\""));
        assert_eq!(problems[1].path, "options[0].changes[1].of.nation[1]");
        assert_eq!(problems[1].at.map(|a| (a.line, a.col)), Some((6, 43)));
    }

    #[test]
    fn exactly_one_form_and_no_negative_units() {
        let t = tutorial();
        for (c, want) in [
            (
                "Units(of: Contingents(), add: 1, times: 2)",
                "exactly one of set, add, times",
            ),
            ("Units(of: Contingents(), add: -7)", "would give contingent"),
            ("Speed(of: Contingents(), times: -1)", "factor ≥ 0"),
            (r#"Move(of: Contingents(), to: "nowhere")"#, "unknown base"),
        ] {
            let e = t.changed(&[change(c)]).unwrap_err().to_string();
            assert!(e.contains(want), "{c}: {e}");
        }
    }
}
