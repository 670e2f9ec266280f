//! The `optimise` command: arguments, the progress bar, what it prints, and `validate` of a
//! problem file.

use super::{emit, threads_arg};
use crate::signals::{Interrupted, stop_on_signals};
use anyhow::Result;
use clap::Args;
use forceplan::workflow::optimise::{OptimiseRequest, run_optimise};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

/// Arguments of `forceplan optimise`.
#[derive(Args, Clone)]
pub struct OptimiseArgs {
    /// Problem file (RON): a base scenario, decisions, objective and constraints.
    #[arg(required_unless_present = "resume")]
    problem: Option<PathBuf>,
    /// Most replications over every plan (default: the problem's `replications.budget`).
    #[arg(long, value_name = "N", value_parser = super::replications_arg)]
    budget_replications: Option<u64>,
    /// Evaluate every plan of the space with N replications each instead of searching
    /// (small spaces only: the truth the search is checked against).
    #[arg(long, value_name = "N", value_parser = super::replications_arg)]
    exhaustive: Option<u64>,
    /// Run only shard K of N of an exhaustive evaluation (every N-th plan, from the K-th)
    /// into OUT/shard-K-of-N/; combine the shards with `forceplan merge OUT`.
    #[arg(long, value_name = "K/N")]
    shard: Option<forceplan::experiment::shard::ShardSpec>,
    /// Master seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads, at most 1024 (default: all cores). The answer does not depend on it.
    #[arg(long, short = 't', default_value_t = 0, value_parser = threads_arg)]
    threads: usize,
    /// Output directory (default: results/<name>/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Continue the stopped optimisation whose outputs are in DIR (give nothing else).
    #[arg(long, value_name = "DIR")]
    resume: Option<PathBuf>,
    /// Replace what the output directory holds even if it is not an optimisation's result.
    #[arg(long)]
    force: bool,
    /// Do not draw the convergence plot (report.html is still written, without it).
    #[arg(long)]
    no_plots: bool,
}

/// Runs `forceplan optimise`.
pub fn optimise(a: OptimiseArgs) -> Result<()> {
    if a.resume.is_some()
        && (a.problem.is_some()
            || a.seed.is_some()
            || a.budget_replications.is_some()
            || a.exhaustive.is_some()
            || a.shard.is_some())
    {
        return Err(forceplan::Error::Usage(
            "--resume DIR takes everything from DIR: give no problem file, --seed, --budget-replications, --exhaustive or --shard".into(),
        )
        .into());
    }
    if a.shard.is_some() && a.exhaustive.is_none() {
        return Err(forceplan::Error::Usage(
            forceplan::workflow::optimise::SHARD_NEEDS_EXHAUSTIVE.into(),
        )
        .into());
    }
    let stop = stop_on_signals();
    let req_shard = a.shard.is_some();
    let req = OptimiseRequest {
        problem: a.problem,
        seed: a.seed,
        budget: a.budget_replications,
        exhaustive: a.exhaustive,
        threads: a.threads,
        out: a.out,
        resume: a.resume,
        force: a.force,
        plots: !a.no_plots,
        shard: a.shard,
    };
    let bar: Mutex<Option<ProgressBar>> = Mutex::new(None);
    let last = Mutex::new(0u64);
    let progress = |done: u64, total: u64| {
        let Ok(mut b) = bar.lock() else { return };
        if std::io::stderr().is_terminal() {
            let pb = b.get_or_insert_with(|| {
                let pb = ProgressBar::new(total);
                let t =
                    "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} replications of the budget";
                pb.set_style(ProgressStyle::with_template(t).expect("valid template"));
                pb
            });
            pb.set_length(total.max(done));
            pb.set_position(done);
        } else if let Ok(mut l) = last.lock()
            && done >= *l + (total / 10).max(1)
        {
            *l = done;
            eprintln!("progress: {done}/{total} replications");
        }
    };
    let result = run_optimise(&req, &progress, stop);
    if let Ok(mut b) = bar.lock()
        && let Some(pb) = b.take()
    {
        pb.finish_and_clear();
    }
    let done = result?;
    for w in &done.warnings {
        eprintln!("warning: {w}");
    }
    if done.interrupted {
        eprintln!(
            "INTERRUPTED: the finished replications are kept in {}/journal.json.\nContinue with: forceplan optimise --resume {}",
            done.out.display(),
            done.out.display()
        );
        return Err(Interrupted.into());
    }
    emit(format_args!("{}", done.console));
    if req_shard {
        return Ok(());
    }
    emit(format_args!(
        "\nresults written to {}/ (optimum.json, best.ron: forceplan compare {}/best.ron, report.html)\n",
        done.out.display(),
        done.out.display()
    ));
    Ok(())
}

/// Whether `text` is a problem file (its first value, after comments, is `Problem(`).
pub(super) fn is_problem(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, b)| b);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, b)| b);
        } else if let Some(r) = rest.strip_prefix("#!") {
            rest = r.split_once(']').map_or("", |(_, b)| b);
        } else {
            break;
        }
    }
    rest.strip_prefix("Problem")
        .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

/// `forceplan validate PROBLEM.ron`: every problem located as `optimise` would, then the
/// question, the decisions, the size of the decision space, the objective and constraints,
/// and the warnings (candidate bases left out by caveats).
pub(super) fn validate_problem(path: &std::path::Path, json: bool) -> Result<()> {
    use forceplan::experiment::optimise::space::Space;
    use forceplan::scenario::inputs::Inputs;
    use forceplan::scenario::problem::Problem;
    let file = path.display().to_string();
    let kpi_check = |k: &str, sc: &forceplan::scenario::Scenario| {
        forceplan::metrics::scope::ScopedKpi::parse(k, sc).err()
    };
    let p = Problem::load(&file, &mut Inputs::from_disk(), &[], &kpi_check)?;
    for w in &p.warnings {
        eprintln!("warning: {w}");
    }
    let space = Space::new(&p);
    let plans = space.count();
    let too_many = forceplan::scenario::problem::MAX_ENUMERATED;
    let selection = format!("{:?}", p.selection);
    if json {
        let v = serde_json::json!({
            "file": file,
            "kind": "problem",
            "valid": true,
            "name": p.name,
            "description": p.description,
            "base_scenario": p.base.name,
            "scenario_file": p.scenario_file,
            "decisions": p.decisions,
            "variables": space.variables().len(),
            "plans_in_space": plans,
            "objective": p.objective_text,
            "constraints": p.constraints.iter().map(|c| serde_json::json!({"that": c.text, "confidence": c.confidence, "tolerance": c.tolerance})).collect::<Vec<_>>(),
            "delta": p.delta,
            "alpha": p.alpha,
            "n0": p.n0,
            "budget_replications": p.budget,
            "selection": selection,
            "start": p.start.key(),
            "warnings": p.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    outln!("{file} is valid: problem \"{}\"", p.name);
    if !p.description.is_empty() {
        outln!(
            "  {}",
            p.description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    outln!(
        "  base:         scenario \"{}\" ({}), {} units",
        p.base.name,
        p.scenario_file,
        p.base.total_units()
    );
    for d in &p.decisions {
        outln!("  decision:     {d}");
    }
    match plans {
        Some(n) => outln!(
            "  space:        {} variables, {n} plans (within the limits)",
            space.variables().len()
        ),
        None => outln!(
            "  space:        {} variables, more than {too_many} plans (too many for --exhaustive)",
            space.variables().len()
        ),
    }
    outln!("  objective:    {}", p.objective_text);
    for c in &p.constraints {
        outln!(
            "  constraint:   {} at confidence {}, tolerance {}",
            c.text,
            c.confidence,
            c.tolerance
        );
    }
    outln!(
        "  selection:    {selection}, delta {}, alpha {}, n0 {}, budget {} replications",
        p.delta,
        p.alpha,
        p.n0,
        p.budget
    );
    outln!("  start:        {}", p.start.key());
    if !p.warnings.is_empty() {
        outln!("  warnings:     {} (on stderr)", p.warnings.len());
    }
    Ok(())
}
