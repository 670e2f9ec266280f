//! Outputs of comparisons and sweeps: `comparison.json`/`.csv`, `sweep.json`/`.csv`, the
//! per-option run outputs, and the tables printed on stdout.

use super::files::{
    ComparisonFile, EffectsFit, FactorEffect, FactorEntry, FactorValues, KpiTable, OptionEntry,
    PointEntry, PrecisionEntry, SweepBaselineEntry, SweepFile, TypeStats, to_pretty,
};
use super::{RunInfo, atomic_write, csv_field, hex, kpi_tables, write_run_dir};
use crate::error::Result;
use crate::experiment::ByVariant;
use crate::experiment::compare::{
    BreakdownDifferences, Comparison, Difference, Direction, Verdict, compare_grouped, paired_by,
};
use crate::experiment::effects;
use crate::experiment::plan::Plan;
use crate::metrics::stats::Summary;
use crate::metrics::{Aggregate, KPI_NAMES, Kpi};
use crate::scenario::Scenario;
use std::fmt::Write as _;
use std::path::Path;

/// Per-variant run info: events of its own replications, the shared wall time.
fn variant_info(info: &RunInfo, results: &[crate::metrics::ReplicationResult]) -> RunInfo {
    RunInfo {
        events: results.iter().map(|r| r.events).sum(),
        requested: results.len() as u64,
        ..info.clone()
    }
}

fn num(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "—".into()
    } else {
        format!("{x:.digits$}")
    }
}

fn signed(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "—".into()
    } else {
        format!("{x:+.digits$}")
    }
}

/// Runs the statistics of a comparison and writes `comparison.json`, `comparison.csv` and
/// `options/<name>/` run outputs; returns the comparison and the table for stdout.
pub fn write_comparison(
    dir: &Path,
    plan: &Plan,
    results: &ByVariant,
    info: &RunInfo,
    precision: Option<(f64, bool)>,
) -> Result<(Comparison, String)> {
    let cmp = compare_grouped(results, &plan.kpi);
    for (v, var) in plan.variants.iter().enumerate() {
        let r = &results.results[v];
        write_run_dir(
            &dir.join("options").join(&var.name),
            &var.prepared.scenario,
            r,
            results.pooled[v].clone(),
            results.timelines[v].as_deref(),
            &variant_info(info, r),
        )?;
    }
    let kpi = plan.kpi.kpi;
    let base_sc = &plan.variants[0].prepared.scenario;
    let options = plan
        .variants
        .iter()
        .zip(&cmp.options)
        .map(|(var, o)| {
            let (kpis, by_domain) = kpi_tables(&o.aggregate);
            OptionEntry {
                name: var.name.clone(),
                description: var.description.clone(),
                rank: o.rank,
                replications: o.aggregate.replications,
                kpis,
                by_domain,
                vs_baseline: o
                    .vs_baseline
                    .as_ref()
                    .map(|d| KpiTable::full(|k| d[k.index()])),
                ranked: Some(o.ranked),
                ranked_vs_baseline: o.ranked_vs_baseline,
                breakdown_vs_baseline: o
                    .breakdown_vs_baseline
                    .as_ref()
                    .map(|b| super::study_breakdown::breakdown_entry(base_sc, b)),
            }
        })
        .collect();
    let doc = ComparisonFile {
        forceplan_version: env!("CARGO_PKG_VERSION").into(),
        study: plan.name.clone(),
        description: plan.description.clone(),
        scenario: plan.variants[0].prepared.scenario.name.clone(),
        input_hash: hex(plan.input_hash()),
        seed: plan.seed,
        replications: results.results[0].len(),
        common_random_numbers: true,
        kpi,
        kpi_direction: kpi.direction(),
        correction: "bonferroni".into(),
        comparisons: cmp.comparisons,
        per_comparison_confidence: cmp.per_comparison_confidence,
        precision: precision.map(|(half_width, reached)| PrecisionEntry {
            half_width,
            reached,
        }),
        events: info.events,
        wall_seconds: info.wall_seconds,
        threads: info.threads,
        options,
        ranked_by: plan.kpi.name().to_string(),
    };
    atomic_write(&dir.join("comparison.json"), &to_pretty(&doc)?)?;

    let mut csv = String::from(
        "option,rank,kpi,mean,std,ci95_low,ci95_high,diff_mean,diff_std,diff_ci_low,diff_ci_high,verdict\n",
    );
    let f = |x: f64| {
        if x.is_nan() {
            String::new()
        } else {
            format!("{x}")
        }
    };
    for (var, o) in plan.variants.iter().zip(&cmp.options) {
        for (k, name) in KPI_NAMES.iter().enumerate() {
            let s = &o.aggregate.kpis[k];
            let _ = write!(
                csv,
                "{},{},{name},{},{},{},{}",
                csv_field(&var.name),
                o.rank,
                f(s.mean),
                f(s.std),
                f(s.ci95_low),
                f(s.ci95_high)
            );
            match &o.vs_baseline {
                Some(d) => {
                    let d = &d[k];
                    let _ = writeln!(
                        csv,
                        ",{},{},{},{},{}",
                        f(d.mean),
                        f(d.std),
                        f(d.ci_low),
                        f(d.ci_high),
                        d.verdict.key()
                    );
                }
                None => csv.push_str(",,,,,\n"),
            }
        }
    }
    atomic_write(&dir.join("comparison.csv"), csv.as_bytes())?;
    atomic_write(
        &dir.join("comparison_breakdown.csv"),
        super::study_breakdown::breakdown_csv(plan, &cmp).as_bytes(),
    )?;
    let mut table = comparison_table(plan, &cmp, info, precision);
    table.push_str(&super::study_breakdown::type_differences_table(plan, &cmp));
    Ok((cmp, table))
}

fn comparison_table(
    plan: &Plan,
    cmp: &Comparison,
    info: &RunInfo,
    precision: Option<(f64, bool)>,
) -> String {
    let name = plan.kpi.name();
    let n = cmp.options[0].aggregate.replications;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "study {} — {} options against the baseline, {n} replications each, common random numbers, seed {}",
        plan.name, cmp.comparisons, plan.seed
    );
    let _ = writeln!(
        s,
        "{} events in {:.2} s on {} threads",
        info.events, info.wall_seconds, info.threads
    );
    if let Some((h, reached)) = precision {
        let _ = writeln!(
            s,
            "precision: CI half-width of {} ≤ {h} {} after {n} replications per option",
            name,
            if reached {
                "reached"
            } else {
                "NOT reached (maximum replications)"
            }
        );
    }
    let _ = writeln!(
        s,
        "ranked by {} ({}); differences are paired (option − baseline) with {:.1}% intervals:\nBonferroni correction for {} comparisons keeps the family-wise confidence at 95%.\n",
        name,
        match plan.kpi.kpi.direction() {
            Direction::LowerIsBetter => "lower is better",
            Direction::HigherIsBetter => "higher is better",
            Direction::Neutral => "no preferred direction",
        },
        cmp.per_comparison_confidence * 100.0,
        cmp.comparisons
    );
    let _ = writeln!(
        s,
        "{:>4}  {:<26} {:>24} {:>26}  verdict",
        "rank", "option", "mean [95% CI]", "option - baseline [CI]"
    );
    let mut order: Vec<usize> = (0..cmp.options.len()).collect();
    order.sort_by_key(|&i| cmp.options[i].rank);
    for i in order {
        let o = &cmp.options[i];
        let a = &o.ranked;
        let (d, verdict) = match &o.ranked_vs_baseline {
            Some(d) => (
                format!(
                    "{} [{}, {}]",
                    signed(d.mean, 3),
                    signed(d.ci_low, 3),
                    signed(d.ci_high, 3)
                ),
                d.verdict.key(),
            ),
            None => ("(baseline)".into(), ""),
        };
        let _ = writeln!(
            s,
            "{:>4}  {:<26} {:>24} {:>26}  {verdict}",
            o.rank,
            plan.variants[i].name,
            format!(
                "{} [{}, {}]",
                num(a.mean, 3),
                num(a.ci95_low, 3),
                num(a.ci95_high, 3)
            ),
            d
        );
    }
    let keys = [
        (Kpi::DetectedShare, "detected"),
        (Kpi::RespondedShare, "responded"),
        (Kpi::WithinTargetShare, "in target"),
        (Kpi::ResponseTimeMeanH, "resp mean h"),
        (Kpi::ResponseTimeP90H, "resp p90 h"),
        (Kpi::QueueWaitMeanH, "queue h"),
        (Kpi::UnansweredAtEnd, "unanswered"),
        (Kpi::Utilisation, "utilisation"),
    ];
    let _ = write!(
        s,
        "\nmeans; against the baseline: + better, - worse, = no significant difference, ^/v higher/lower\n{:<26}",
        "option"
    );
    for (_, label) in keys {
        let _ = write!(s, " {label:>12}");
    }
    s.push('\n');
    for (i, o) in cmp.options.iter().enumerate() {
        let _ = write!(s, "{:<26}", plan.variants[i].name);
        for (key, _) in keys {
            let kk = key.index();
            let mark = o.vs_baseline.as_ref().map_or(" ", |d| match d[kk].verdict {
                Verdict::Better => "+",
                Verdict::Worse => "-",
                Verdict::Higher => "^",
                Verdict::Lower => "v",
                Verdict::NoSignificantDifference | Verdict::Undetermined => "=",
            });
            let _ = write!(s, " {:>11}{mark}", num(o.aggregate.kpis[kk].mean, 3));
        }
        s.push('\n');
    }
    s
}

/// Writes `sweep.json` and `sweep.csv`; returns the table for stdout.
pub fn write_sweep(dir: &Path, plan: &Plan, results: &ByVariant, info: &RunInfo) -> Result<String> {
    let pts = plan.points();
    let aggs: Vec<Aggregate> = (0..pts.len()).map(|v| results.aggregate(v)).collect();
    let ranked: Vec<Summary> = results.results[..pts.len()]
        .iter()
        .map(|r| Summary::of(r.iter().map(|x| plan.kpi.value(x))))
        .collect();
    // Each point against the base scenario, pair by pair (Bonferroni over the points).
    let confidence = 1.0 - crate::experiment::compare::ALPHA / pts.len().max(1) as f64;
    let vs: Vec<Option<(Difference, BreakdownDifferences)>> = (0..pts.len())
        .map(|i| {
            plan.sweep_baseline().map(|b| {
                let (p, base) = (&results.results[i], &results.results[b]);
                (
                    paired_by(
                        p,
                        base,
                        |r| plan.kpi.value(r),
                        plan.kpi.kpi.direction(),
                        confidence,
                    ),
                    BreakdownDifferences::of(p, base, confidence),
                )
            })
        })
        .collect();
    let baseline = plan.sweep_baseline().map(|b| {
        let r = &results.results[b];
        SweepBaselineEntry {
            replications: r.len() as u64,
            kpis: kpi_tables(&results.aggregate(b)).0,
            ranked: Summary::of(r.iter().map(|x| plan.kpi.value(x))),
            per_comparison_confidence: confidence,
        }
    });
    let points = pts
        .iter()
        .zip(&aggs)
        .enumerate()
        .map(|(i, (var, agg))| {
            let (kpis, by_domain) = kpi_tables(agg);
            PointEntry {
                index: i,
                factors: FactorValues(
                    plan.factors
                        .iter()
                        .zip(&var.factors)
                        .map(|(fac, v)| (fac.name.clone(), *v))
                        .collect(),
                ),
                replications: agg.replications,
                kpis,
                by_domain,
                ranked: Some(ranked[i]),
                by_type: var
                    .prepared
                    .scenario
                    .violation_types
                    .iter()
                    .enumerate()
                    .zip(&agg.by_type)
                    .map(|((t, vt), stats)| TypeStats {
                        id: vt.id.clone(),
                        target_h: super::breakdown::target_h(&var.prepared.scenario, t),
                        kpis: super::kpi_stats(stats),
                    })
                    .collect(),
                ranked_vs_baseline: vs[i].as_ref().map(|v| v.0),
                breakdown_vs_baseline: vs[i]
                    .as_ref()
                    .map(|v| super::study_breakdown::breakdown_entry(&var.prepared.scenario, &v.1)),
            }
        })
        .collect();
    let (factor_effects, factor_effects_fit) = effects::factor_effects(
        &plan
            .factors
            .iter()
            .map(|f| effects::FactorRange {
                name: f.name.clone(),
                min: f.min,
                max: f.max,
            })
            .collect::<Vec<_>>(),
        &pts.iter().map(|v| v.factors.clone()).collect::<Vec<_>>(),
        &ranked.iter().map(|s| s.mean).collect::<Vec<_>>(),
    );
    let effects_table = effects_table(plan, &factor_effects, factor_effects_fit.as_ref());
    let doc = SweepFile {
        forceplan_version: env!("CARGO_PKG_VERSION").into(),
        sweep: plan.name.clone(),
        description: plan.description.clone(),
        scenario: plan
            .variants
            .first()
            .map(|v| v.prepared.scenario.name.clone()),
        input_hash: hex(plan.input_hash()),
        seed: plan.seed,
        replications: plan.replications,
        common_random_numbers: true,
        design: plan.design.clone(),
        kpi: plan.kpi.kpi,
        factors: plan
            .factors
            .iter()
            .map(|f| FactorEntry {
                name: f.name.clone(),
                target: f.target.clone(),
                min: f.min,
                max: f.max,
            })
            .collect(),
        events: info.events,
        wall_seconds: info.wall_seconds,
        threads: info.threads,
        points,
        factor_effects,
        factor_effects_fit,
        ranked_by: plan.kpi.name().to_string(),
        baseline,
    };
    atomic_write(&dir.join("sweep.json"), &to_pretty(&doc)?)?;
    if plan.sweep_baseline().is_some() {
        let parts: Vec<(&str, &Scenario, &BreakdownDifferences)> = pts
            .iter()
            .zip(&vs)
            .filter_map(|(p, v)| Some((p.name.as_str(), &p.prepared.scenario, &v.as_ref()?.1)))
            .collect();
        atomic_write(
            &dir.join("sweep_breakdown.csv"),
            super::study_breakdown::differences_csv("point", &parts).as_bytes(),
        )?;
    }
    let mut csv = String::from("point");
    for f in &plan.factors {
        let _ = write!(csv, ",{}", csv_field(&f.name));
    }
    for n in KPI_NAMES {
        let _ = write!(csv, ",{n}_mean,{n}_ci95_low,{n}_ci95_high");
    }
    csv.push('\n');
    let f = |x: f64| {
        if x.is_nan() {
            String::new()
        } else {
            format!("{x}")
        }
    };
    for (i, (var, agg)) in pts.iter().zip(&aggs).enumerate() {
        let _ = write!(csv, "{i}");
        for v in &var.factors {
            let _ = write!(csv, ",{v}");
        }
        for s in &agg.kpis {
            let _ = write!(csv, ",{},{},{}", f(s.mean), f(s.ci95_low), f(s.ci95_high));
        }
        csv.push('\n');
    }
    atomic_write(&dir.join("sweep.csv"), csv.as_bytes())?;

    let mut s = String::new();
    let _ = writeln!(
        s,
        "sweep {} — {} design, {} points × {} replications, common random numbers, seed {}",
        plan.name,
        plan.design,
        pts.len(),
        plan.replications,
        plan.seed
    );
    let _ = writeln!(
        s,
        "{} events in {:.2} s on {} threads\n",
        info.events, info.wall_seconds, info.threads
    );
    let _ = write!(s, "{:>6}", "point");
    for fac in &plan.factors {
        let _ = write!(s, " {:>14}", fac.name);
    }
    let _ = writeln!(
        s,
        " {:>30} {:>16} {:>12} {:>34}",
        format!("{} [95% CI]", plan.kpi.name()),
        "within target",
        "utilisation",
        "point − baseline [CI], verdict"
    );
    let (wt, ut) = (Kpi::WithinTargetShare.index(), Kpi::Utilisation.index());
    for (i, (var, agg)) in pts.iter().zip(&aggs).enumerate() {
        let _ = write!(s, "{i:>6}");
        for v in &var.factors {
            let _ = write!(
                s,
                " {:>14}",
                format!("{v:.4}")
                    .trim_end_matches('0')
                    .trim_end_matches('.')
            );
        }
        let a = &ranked[i];
        let _ = writeln!(
            s,
            " {:>30} {:>16} {:>12} {:>34}",
            format!(
                "{} [{}, {}]",
                num(a.mean, 3),
                num(a.ci95_low, 3),
                num(a.ci95_high, 3)
            ),
            num(agg.kpis[wt].mean, 3),
            num(agg.kpis[ut].mean, 3),
            vs[i].as_ref().map_or(String::new(), |(d, _)| format!(
                "{} [{}, {}] {}",
                signed(d.mean, 3),
                signed(d.ci_low, 3),
                signed(d.ci_high, 3),
                d.verdict.key()
            ))
        );
    }
    if let Some(b) = &doc.baseline {
        let _ = writeln!(
            s,
            "{:>6} {:>30}   (base scenario, no factor applied; intervals at {:.1} % each, Bonferroni over the points; per type and sector in sweep_breakdown.csv)",
            "base",
            format!(
                "{} [{}, {}]",
                num(b.ranked.mean, 3),
                num(b.ranked.ci95_low, 3),
                num(b.ranked.ci95_high, 3)
            ),
            b.per_comparison_confidence * 100.0
        );
    }
    s.push_str(&effects_table);
    Ok(s)
}

/// The console table of factor effects (empty when none were estimated).
fn effects_table(plan: &Plan, e: &[FactorEffect], fit: Option<&EffectsFit>) -> String {
    let Some(fit) = fit else {
        return String::new();
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\nfactor effects on {} (least squares on the {} point means, factors coded -1..1 over their range;\ncoefficient = half the change from min to max; 95% t intervals, {} residual df; R² {}):",
        plan.kpi.name(),
        fit.points,
        fit.residual_df,
        num(fit.r_squared, 3)
    );
    let _ = writeln!(
        s,
        "{:>4}  {:<24} {:>12} {:>26}",
        "rank", "factor", "effect", "95% CI"
    );
    for f in e {
        let _ = writeln!(
            s,
            "{:>4}  {:<24} {:>12} {:>26}",
            f.rank,
            f.factor,
            signed(f.coefficient, 3),
            format!("[{}, {}]", signed(f.ci95_low, 3), signed(f.ci95_high, 3))
        );
    }
    s
}
