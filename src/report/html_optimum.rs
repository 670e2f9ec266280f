//! The section of `report.html` for an optimisation (`optimum.json`): the guarantee in words, the
//! best plan as changes, the runners-up, the `FewestUnits` confirmation and the convergence plot.

use super::files::{GuaranteeEntry, Head, OptimumFile, PlanEntry};
use super::html::{esc, inline_svg, plot_entries};
use crate::error::{Error, Result};
use crate::metrics::stats::Summary;
use std::fmt::Write as _;
use std::path::Path;

/// File stem of the convergence plot under `plots/` (drawn by `plot::convergence`).
pub const CONVERGENCE_PLOT: &str = "optimise_convergence";

/// What describes an optimisation's directory in the report's facts and footer: the base
/// scenario, the seed and the replications used over every plan. `optimum.json` records no
/// version or input hash: the version is this forceplan's, the hash is left empty.
pub fn head(o: &OptimumFile) -> Head {
    Head {
        scenario: o.problem.scenario.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        hash: String::new(),
        seed: o.seed,
        replications: o.replications_total,
    }
}

/// A number with up to four decimals, no trailing zeros; `—` when undefined.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `mean [low, high]` of a summary.
fn interval(s: &Summary) -> String {
    if s.ci95_low.is_finite() && s.ci95_high.is_finite() {
        format!(
            "{} [{}, {}]",
            num(s.mean),
            num(s.ci95_low),
            num(s.ci95_high)
        )
    } else {
        num(s.mean)
    }
}

/// The guarantee in words: the file's statement, then delta, alpha and the method.
pub fn guarantee_words(g: &GuaranteeEntry, objective: &str) -> String {
    let mut s = g.statement.clone();
    if !s.is_empty() && !s.ends_with('.') {
        s.push('.');
    }
    let _ = write!(
        s,
        " Method: {}; indifference zone δ = {} in {objective}; error probability α = {} \
         (confidence {} %); {} plans in the final selection, {} first-stage replications each.",
        g.method,
        num(g.delta),
        num(g.alpha),
        num(g.confidence * 100.0),
        g.candidates,
        g.n0
    );
    if !g.selection_complete {
        s.push_str(
            " The selection did NOT finish within the budget: the plan with the best mean was \
             taken and the guarantee does not hold.",
        );
    }
    s.trim_start().to_string()
}

fn plan_row(h: &mut String, p: &PlanEntry, constraints: usize) {
    let _ = write!(
        h,
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        esc(&p.name),
        esc(&p.description.join("; ")),
        p.units,
        p.replications,
        esc(&interval(&p.objective))
    );
    for c in 0..constraints {
        let cell = p.constraints.get(c).map_or("—".to_string(), |r| {
            format!("{} ({})", interval(&r.value), r.feasible)
        });
        let _ = write!(h, "<td>{}</td>", esc(&cell));
    }
    h.push_str("</tr>\n");
}

/// Appends the optimisation's section to `h`; with `with_plots`, the convergence plot from
/// `dir/plots/` when `plots/index.json` lists it.
pub fn optimum_section(
    h: &mut String,
    o: &OptimumFile,
    dir: &Path,
    with_plots: bool,
) -> Result<()> {
    let p = &o.problem;
    let objective = p.objective_kpi.clone().unwrap_or_else(|| "units".into());
    h.push_str("<section id=\"optimum\"><h2>Optimisation: the best plan and how sure it is</h2>\n");
    if !p.description.is_empty() {
        let _ = writeln!(h, "<p class=\"lead\">{}</p>", esc(&p.description));
    }
    h.push_str("<dl class=\"facts\">\n");
    let mut fact = |k: &str, v: String| {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
    };
    fact("problem", p.name.clone());
    fact("base scenario", p.scenario.clone());
    fact(
        "objective",
        format!(
            "{} ({} is better)",
            p.objective,
            if p.minimise { "lower" } else { "higher" }
        ),
    );
    for c in &p.constraints {
        fact(
            "constraint",
            format!(
                "{} at {} % confidence, tolerance {} (sequential check of Andradóttir & Kim)",
                c.text,
                num(c.confidence * 100.0),
                num(c.tolerance)
            ),
        );
    }
    for d in &p.decisions {
        fact("decision", d.clone());
    }
    if let Some(n) = p.plans_in_space {
        fact("plans in the decision space", n.to_string());
    }
    if o.mode == "search" {
        fact("search", format!("search (start: {})", p.start));
    } else {
        fact("search", o.mode.clone());
    }
    fact(
        "replications used",
        format!(
            "{} of a budget of {}, over {} plans evaluated",
            o.replications_total,
            o.budget_replications,
            o.evaluated.len()
        ),
    );
    h.push_str("</dl>\n");

    let g = &o.guarantee;
    h.push_str("<h3>The guarantee</h3>\n");
    let _ = writeln!(h, "<p>{}</p>", esc(&guarantee_words(g, &objective)));
    if !g.assumptions.is_empty() {
        h.push_str("<p class=\"note\">It rests on these assumptions:</p>\n<ul>\n");
        for a in &g.assumptions {
            let _ = writeln!(h, "<li>{}</li>", esc(a));
        }
        h.push_str("</ul>\n");
    }

    let b = &o.best;
    let _ = writeln!(
        h,
        "<h3>The best plan: {}</h3>\n<p>{} = {} (mean and 95 % interval over {} replications), {} units.</p>",
        esc(&b.name),
        esc(&objective),
        esc(&interval(&b.objective)),
        b.replications,
        b.units
    );
    if !b.description.is_empty() {
        h.push_str("<ul>\n");
        for d in &b.description {
            let _ = writeln!(h, "<li>{}</li>", esc(d));
        }
        h.push_str("</ul>\n");
    }
    if b.changes.is_empty() {
        h.push_str(
            "<p class=\"note\">No change to the base scenario: the base plan is the best.</p>\n",
        );
    } else {
        h.push_str("<p class=\"note\">As changes to the base scenario (those of <code>best.ron</code>):</p>\n<pre>");
        for c in &b.changes {
            let _ = writeln!(h, "{}", esc(c));
        }
        h.push_str("</pre>\n");
    }

    h.push_str("<h3>Runners-up</h3>\n");
    let n_c = p.constraints.len();
    let mut rows: Vec<&PlanEntry> = vec![b];
    rows.extend(&o.runners_up);
    rows.extend(&o.baseline);
    h.push_str("<table><thead><tr><th>plan</th><th>what it changes</th><th>units</th><th>replications</th>");
    let _ = write!(h, "<th>{} [95 % interval]</th>", esc(&objective));
    for c in &p.constraints {
        let _ = write!(h, "<th>{}</th>", esc(&c.text));
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in &rows {
        plan_row(h, r, n_c);
    }
    h.push_str("</tbody></table>\n");
    if o.runners_up.is_empty() {
        h.push_str("<p class=\"note\">No runner-up: the final selection had one plan.</p>\n");
    }

    if let Some(f) = &o.fewest_units {
        let _ = writeln!(
            h,
            "<h3>The fewest units: {}</h3>\n<p>{} replications each: {} units {}; {}. {}</p>",
            f.units,
            f.replications,
            f.answer.units,
            if f.answer.meets {
                "meet every constraint"
            } else {
                "do NOT meet every constraint"
            },
            match &f.one_fewer {
                Some(c) if c.meets => format!("{} units also meet them", c.units),
                Some(c) => format!("{} units do not", c.units),
                None => "no smaller count is allowed".to_string(),
            },
            if f.confirmed {
                "Confirmed."
            } else {
                "NOT confirmed."
            }
        );
    }

    let entry = if with_plots {
        plot_entries(dir)?
            .into_iter()
            .find(|e| e.name == CONVERGENCE_PLOT)
    } else {
        None
    };
    if let Some(e) = entry {
        let path = dir.join("plots").join(format!("{}.svg", e.name));
        let svg = std::fs::read_to_string(&path).map_err(|io| Error::Read { path, io })?;
        let _ = writeln!(
            h,
            "<figure id=\"{}\">{}\n<figcaption><b>{}.</b> {}</figcaption></figure>",
            esc(&e.name),
            inline_svg(&svg),
            esc(&e.title),
            esc(&e.description)
        );
    }
    h.push_str("</section>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::files::{
        ConstraintEntry, ConstraintResult, ConvergencePoint, FewestUnitsEntry, GuaranteeEntry,
        ProblemEntry, UnitsCheck,
    };

    fn plan(name: &str, mean: f64, changes: Vec<String>) -> PlanEntry {
        PlanEntry {
            name: name.into(),
            vector: vec![1, 2],
            description: vec![format!("{name}: pol-qrf-1 at dnipro")],
            changes,
            units: 2,
            replications: 40,
            objective: Summary {
                mean,
                std: 1.0,
                ci95_low: mean - 0.25,
                ci95_high: mean + 0.25,
                n: 40,
            },
            constraints: vec![ConstraintResult {
                text: "within_target_share[domain=land] >= 0.9".into(),
                value: Summary {
                    mean: 0.93,
                    std: 0.01,
                    ci95_low: 0.92,
                    ci95_high: 0.94,
                    n: 40,
                },
                feasible: "yes".into(),
            }],
        }
    }

    pub(crate) fn optimum() -> OptimumFile {
        OptimumFile {
            problem: ProblemEntry {
                name: "qrf".into(),
                description: "Where should two Polish QRF companies stand?".into(),
                scenario: "base.ron".into(),
                objective: "Minimise(\"response_time_p90_h[type=land-incursion]\")".into(),
                objective_kpi: Some("response_time_p90_h[type=land-incursion]".into()),
                minimise: true,
                constraints: vec![ConstraintEntry {
                    text: "within_target_share[domain=land] >= 0.9".into(),
                    kpi: "within_target_share[domain=land]".into(),
                    op: ">=".into(),
                    threshold: 0.9,
                    confidence: 0.95,
                    tolerance: 0.009,
                }],
                decisions: vec!["pol-qrf-* among dnipro, kharkiv, zaporizhzhia".into()],
                plans_in_space: Some(6),
                start: "Screen".into(),
            },
            mode: "search".into(),
            seed: 11,
            guarantee: GuaranteeEntry {
                method: "KN (Kim & Nelson 2001) with common random numbers".into(),
                delta: 0.25,
                alpha: 0.05,
                confidence: 0.95,
                n0: 10,
                candidates: 3,
                selection_complete: true,
                statement: "The chosen plan is within 0.25 h of the best of the 3 plans selected among, with probability at least 95 %".into(),
                assumptions: vec!["replication means are nearly normal".into()],
            },
            best: plan("plan-2", 3.5, vec!["Place(contingents: [\"pol-qrf-1\"], base: \"dnipro\")".into()]),
            runners_up: vec![plan("plan-5", 3.875, vec![])],
            baseline: Some(plan("baseline", 4.5, vec![])),
            evaluated: vec![],
            replications_total: 900,
            budget_replications: 2000,
            convergence: vec![ConvergencePoint { replications_used: 900, best_objective: 3.5, ci_low: 3.25, ci_high: 3.75 }],
            fewest_units: None,
            wall_seconds: 2.0,
            cpu_seconds: 3.0,
        }
    }

    #[test]
    fn section_states_the_guarantee_the_plan_and_the_runners_up() {
        let o = optimum();
        let mut h = String::new();
        let dir = tempfile::tempdir().unwrap();
        optimum_section(&mut h, &o, dir.path(), true).unwrap();
        assert!(
            h.contains("within 0.25 h of the best of the 3 plans"),
            "{h}"
        );
        assert!(h.contains("δ = 0.25 in response_time_p90_h[type=land-incursion]"));
        assert!(h.contains("α = 0.05 (confidence 95 %)"));
        assert!(h.contains("<li>replication means are nearly normal</li>"));
        assert!(h.contains("The best plan: plan-2"));
        assert!(h.contains("3.5 [3.25, 3.75] (mean and 95 % interval over 40 replications)"));
        assert!(
            h.contains("Place(contingents: [&quot;pol-qrf-1&quot;], base: &quot;dnipro&quot;)")
        );
        // Best, runner-up and baseline rows, in that order, with the constraint's verdict.
        let best = h.find("<td>plan-2</td>").unwrap();
        let runner = h.find("<td>plan-5</td>").unwrap();
        let base = h.find("<td>baseline</td>").unwrap();
        assert!(best < runner && runner < base);
        assert!(h.contains("<td>3.875 [3.625, 4.125]</td>"));
        assert!(h.contains("0.93 [0.92, 0.94] (yes)"));
        assert!(h.contains("900 of a budget of 2000"));
        assert!(!h.contains("<figure"), "no plot drawn, none inlined");
        assert!(!h.contains("NOT finish"));
    }

    #[test]
    fn unfinished_selection_and_fewest_units_are_said() {
        let mut o = optimum();
        o.guarantee.selection_complete = false;
        o.fewest_units = Some(FewestUnitsEntry {
            units: 4,
            replications: 1000,
            answer: UnitsCheck {
                units: 4,
                description: vec![],
                constraints: vec![],
                meets: true,
            },
            one_fewer: Some(UnitsCheck {
                units: 3,
                description: vec![],
                constraints: vec![],
                meets: false,
            }),
            confirmed: true,
        });
        let mut h = String::new();
        optimum_section(&mut h, &o, Path::new("/nonexistent"), false).unwrap();
        assert!(h.contains("did NOT finish within the budget"));
        assert!(h.contains("The fewest units: 4"));
        assert!(h.contains("4 units meet every constraint; 3 units do not. Confirmed."));
    }

    #[test]
    fn report_of_an_optimisation_directory_has_the_section_and_the_plot() {
        let dir = tempfile::tempdir().unwrap();
        let o = optimum();
        std::fs::write(
            dir.path().join("optimum.json"),
            serde_json::to_vec(&o).unwrap(),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("plots")).unwrap();
        std::fs::write(
            dir.path().join("plots").join("optimise_convergence.svg"),
            "<svg><text>convergence drawn</text></svg>",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("plots").join("index.json"),
            r#"[{"name":"optimise_convergence","title":"Convergence","description":"d","width":10,"height":10}]"#,
        )
        .unwrap();
        let html = super::super::html::render(dir.path(), true).unwrap();
        assert!(html.contains("<title>Optimisation — qrf</title>"), "{html}");
        assert!(html.contains("id=\"optimum\""));
        // The convergence plot is inlined once, in the optimisation's section.
        assert_eq!(html.matches("convergence drawn").count(), 1);
        let section = html.find("id=\"optimum\"").unwrap();
        assert!(html.find("convergence drawn").unwrap() > section);
        assert!(!html.contains("No plots were drawn"));
    }
}
