//! Command-line interface.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use forceplan::experiment::plan::{Inputs, Kind, Params, Plan};
use forceplan::experiment::shard::{self, ShardSpec};
use forceplan::experiment::{ByVariant, ExecOptions, Execution, Item, all_items, execute};
use forceplan::report::checkpoint::{self, Checkpoint};
use forceplan::report::{self, RunInfo};
use forceplan::scenario::{self, Domain, FixedSensorKind};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Parser)]
#[command(
    name = "forceplan",
    version,
    about = "Multinational force planning simulator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Flags shared by `run`, `compare` and `sweep`.
#[derive(Args, Clone)]
struct Common {
    /// Replications per variant (default: the study's or scenario's, else 30).
    #[arg(long, short = 'n')]
    replications: Option<u64>,
    /// Master seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 't', default_value_t = 0)]
    threads: usize,
    /// Output directory (default: results/<name>/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Run only shard K of N (1 ≤ K ≤ N) and write its partial results to
    /// OUT/shard-K-of-N/; combine the shards with `forceplan merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<ShardSpec>,
    /// Continue the interrupted run whose outputs are in DIR (give no input file).
    #[arg(long, value_name = "DIR")]
    resume: Option<PathBuf>,
    /// Do not draw plots (report.html is still written, without them).
    #[arg(long)]
    no_plots: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate a scenario and print a summary of the force.
    Validate {
        /// Scenario file (RON).
        scenario: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run Monte Carlo replications of a scenario and write the results.
    Run {
        /// Scenario file (RON).
        #[arg(required_unless_present = "resume")]
        scenario: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// Also write violations.csv, one row per violation of every replication.
        #[arg(long)]
        trace: bool,
    },
    /// Re-draw the plots of a results directory into DIR/plots/ (PNG and SVG).
    Plot {
        /// Results directory (the --out of `forceplan run`, `compare` or `sweep`).
        dir: PathBuf,
    },
    /// Draw the plots and write DIR/report.html, one self-contained page.
    Report {
        /// Results directory (the --out of `forceplan run`, `compare` or `sweep`).
        dir: PathBuf,
    },
    /// Compare the force options of a study with common random numbers.
    Compare {
        /// Study file (RON).
        #[arg(required_unless_present = "resume")]
        study: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// Add replications in batches until the 95% CI half-width of the KPI is at most H
        /// for every option (or --max-replications is reached).
        #[arg(long, value_name = "H")]
        precision: Option<f64>,
        /// Most replications per option with --precision.
        #[arg(long, default_value_t = 1000)]
        max_replications: u64,
        /// KPI to rank options by (default: the study's, else response_time_p90_h).
        #[arg(long)]
        kpi: Option<String>,
    },
    /// Run a parameter sweep (grid or Latin hypercube) with common random numbers.
    Sweep {
        /// Sweep file (RON).
        #[arg(required_unless_present = "resume")]
        sweep: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// KPI of the summary table (default: the sweep's, else response_time_p90_h).
        #[arg(long)]
        kpi: Option<String>,
    },
    /// Run the validation suite (scenarios/validation/) against analytic results and write VALIDATION.md.
    ValidateModel {
        /// Directory of the validation scenarios.
        #[arg(long, default_value = "scenarios/validation")]
        scenarios: PathBuf,
        /// Where to write the report.
        #[arg(long, short = 'o', default_value = "VALIDATION.md")]
        out: PathBuf,
        /// Fewer replications and shorter runs (for tests).
        #[arg(long)]
        quick: bool,
        /// Worker threads (default: all cores).
        #[arg(long, short = 't', default_value_t = 0)]
        threads: usize,
    },
    /// Combine the partial results of shards into the outputs of the whole study.
    Merge {
        /// Shard directories (OUT/shard-K-of-N), partial.json files, or a directory holding shard directories.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output directory (default: the directory holding the shards).
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
    },
}

/// Parses the command line and runs the command.
pub fn main() -> Result<()> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (exit 2).
            e.exit();
        }
    };
    match cli.command {
        Command::Validate { scenario, json } => validate(&scenario, json),
        Command::Run {
            scenario,
            common,
            trace,
        } => experiment(Kind::Run, scenario.as_deref(), common, None, trace, None),
        Command::Compare {
            study,
            common,
            precision,
            max_replications,
            kpi,
        } => experiment(
            Kind::Compare,
            study.as_deref(),
            common,
            kpi,
            false,
            precision.map(|h| (h, max_replications)),
        ),
        Command::Sweep { sweep, common, kpi } => {
            experiment(Kind::Sweep, sweep.as_deref(), common, kpi, false, None)
        }
        Command::Merge { dirs, out } => merge(&dirs, out),
        Command::ValidateModel {
            scenarios,
            out,
            quick,
            threads,
        } => validate_model(&scenarios, &out, quick, threads),
        Command::Plot { dir } => plot(&dir).map(|_| ()),
        Command::Report { dir } => {
            plot(&dir)?;
            report_html(&dir, true)
        }
    }
}

fn validate(path: &Path, json: bool) -> Result<()> {
    let sc = scenario::load(path)?;
    for w in sc.warnings() {
        eprintln!("{}: warning: {}: {}", path.display(), w.path, w.message);
    }
    let units = sc.units_by_domain();
    let mut per_domain = [0.0; 3];
    let mut needing = 0.0;
    for s in &sc.sectors {
        per_domain[s.domain.index()] += s.expected_per_day();
        for (t, vt) in sc.violation_types.iter().enumerate() {
            if vt.response.is_some() {
                needing += s.expected_per_day() * s.type_share(t);
            }
        }
    }
    let sectors_by_domain =
        Domain::ALL.map(|d| sc.sectors.iter().filter(|s| s.domain == d).count());
    let radars = sc
        .fixed_sensors
        .iter()
        .filter(|f| f.kind == FixedSensorKind::Radar)
        .count();
    let posts = sc.fixed_sensors.len() - radars;
    let drone_fleets: Vec<_> = sc.contingents.iter().filter(|c| c.isr.is_some()).collect();
    let drones: u64 = drone_fleets.iter().map(|c| u64::from(c.units)).sum();
    if json {
        let v = serde_json::json!({
            "scenario": sc.name,
            "file": path.display().to_string(),
            "valid": true,
            "nations": sc.nations.len(),
            "contingents": sc.contingents.len(),
            "units": sc.total_units(),
            "units_by_domain": { "air": units[0], "sea": units[1], "land": units[2] },
            "bases": sc.bases.len(),
            "sectors": sc.sectors.len(),
            "sectors_by_domain": { "air": sectors_by_domain[0], "sea": sectors_by_domain[1], "land": sectors_by_domain[2] },
            "satellites": sc.satellites.len(),
            "radars": radars,
            "observation_posts": posts,
            "drone_fleets": drone_fleets.len(),
            "drones": drones,
            "violation_types": sc.violation_types.len(),
            "violations_per_day": sc.violations_per_day(),
            "violations_per_day_by_domain": { "air": per_domain[0], "sea": per_domain[1], "land": per_domain[2] },
            "violations_needing_response_per_day": needing,
            "horizon_days": sc.horizon_days(),
            "seed": sc.seed,
            "replications": sc.replications,
            "scenario_hash": report::hex(sc.source_hash),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!("{} is valid: scenario \"{}\"", path.display(), sc.name);
    if !sc.description.is_empty() {
        println!(
            "  {}",
            sc.description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    println!("  nations:      {}", sc.nations.len());
    println!(
        "  force:        {} contingents, {} units (air {}, sea {}, land {})",
        sc.contingents.len(),
        sc.total_units(),
        units[0],
        units[1],
        units[2]
    );
    println!("  bases:        {}", sc.bases.len());
    println!(
        "  sectors:      {} (air {}, sea {}, land {})",
        sc.sectors.len(),
        sectors_by_domain[0],
        sectors_by_domain[1],
        sectors_by_domain[2]
    );
    println!(
        "  sensors:      {} satellites, {} radars, {} observation posts, {} ISR drones in {} fleets",
        sc.satellites.len(),
        radars,
        posts,
        drones,
        drone_fleets.len()
    );
    println!(
        "  violations:   {:.1} expected per day (air {:.1}, sea {:.1}, land {:.1}); {:.1} per day need a response",
        sc.violations_per_day(),
        per_domain[0],
        per_domain[1],
        per_domain[2],
        needing
    );
    println!(
        "  run:          {} days, seed {}, {} replications by default",
        sc.horizon_days(),
        sc.seed,
        sc.replications
    );
    Ok(())
}

/// A progress reporter: a bar on a terminal, plain lines otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    done: AtomicU64,
    total: u64,
}

impl Progress {
    fn new(total: u64, what: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(total);
            let template = format!(
                "{{spinner}} [{{elapsed_precise}}] {{bar:40}} {{pos}}/{{len}} {what} (eta {{eta}})"
            );
            b.set_style(ProgressStyle::with_template(&template).expect("valid template"));
            b
        });
        Progress {
            bar,
            done: AtomicU64::new(0),
            total,
        }
    }

    fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.bar {
            Some(b) => b.inc(1),
            None if n.is_multiple_of((self.total / 10).max(1)) || n == self.total => {
                eprintln!("progress: {n}/{} replications", self.total)
            }
            None => {}
        }
    }

    fn finish(self) {
        if let Some(b) = self.bar {
            b.finish_and_clear();
        }
    }
}

/// The run was cut short by Ctrl-C (exit code 130); what finished has been written.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Stops the work on the first Ctrl-C (replications under way finish, no new one starts);
/// a second Ctrl-C exits at once (every output file is written atomically, so none is
/// half-written).
fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let installed = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\ninterrupt: finishing the replications under way; Ctrl-C again to quit at once"
        );
    });
    if installed.is_err() {
        // A handler is already installed (library use or tests): keep going without one.
    }
    stop
}

/// Runs `items`, with a progress display; `on_done` also sees every finished item.
fn run_items(
    plan: &Plan,
    items: &[Item],
    opts: ExecOptions,
    trace: Option<forceplan::experiment::TraceSink<'_>>,
    checkpoint: Option<&Checkpoint>,
    stop: &AtomicBool,
) -> Result<Execution> {
    let variants: Vec<&forceplan::model::Prepared> =
        plan.variants.iter().map(|v| &v.prepared).collect();
    let progress = Progress::new(items.len() as u64, "replications");
    let on_done = |r: &forceplan::experiment::ItemResult| -> forceplan::Result<()> {
        progress.tick();
        checkpoint.map_or(Ok(()), |c| c.append(r))
    };
    let exec = execute(&variants, items, opts, &on_done, trace, stop)?;
    progress.finish();
    Ok(exec)
}

fn experiment(
    kind: Kind,
    file: Option<&Path>,
    common: Common,
    kpi: Option<String>,
    trace: bool,
    precision: Option<(f64, u64)>,
) -> Result<()> {
    let stop = stop_on_ctrl_c();
    // A fresh study, or the rest of an interrupted one.
    let (mut plan, out, trace, mut done) = match &common.resume {
        Some(dir) => {
            if file.is_some()
                || common.shard.is_some()
                || precision.is_some()
                || common.seed.is_some()
                || common.replications.is_some()
            {
                return Err(forceplan::Error::Usage("--resume DIR takes everything from DIR: give no input file, --seed, --replications, --shard or --precision".into()).into());
            }
            let saved = checkpoint::load(dir)?;
            if saved.manifest.kind != kind {
                return Err(forceplan::Error::Usage(format!(
                    "{} holds an interrupted `{}`, not a `{}`",
                    dir.display(),
                    saved.manifest.kind.key(),
                    kind.key()
                ))
                .into());
            }
            let m = saved.manifest;
            let plan = Plan::load(kind, &m.main_file, Inputs::sealed(m.inputs), m.params)?;
            if format!("{:016x}", plan.input_hash()) != m.input_hash {
                return Err(forceplan::Error::Internal(
                    "the checkpoint's inputs do not match its hash".into(),
                )
                .into());
            }
            eprintln!(
                "resume: {} of {} replications already done",
                saved.items.len(),
                plan.variants.len() as u64 * plan.replications
            );
            (plan, dir.clone(), saved.trace, saved.items)
        }
        None => {
            let file = file.ok_or_else(|| {
                forceplan::Error::Usage("give an input file (or --resume DIR)".into())
            })?;
            let params = Params {
                seed: common.seed,
                replications: common.replications,
                kpi,
            };
            let plan = Plan::load(
                kind,
                &file.display().to_string(),
                Inputs::from_disk(),
                params,
            )?;
            let out = common
                .out
                .clone()
                .unwrap_or_else(|| Path::new("results").join(&plan.name));
            (plan, out, trace, Vec::new())
        }
    };
    let opts = ExecOptions {
        threads: common.threads,
        trace,
        timeline: true,
    };
    let everything = all_items(plan.variants.len(), 0..plan.replications);

    if let Some(spec) = common.shard {
        if trace || precision.is_some() {
            return Err(forceplan::Error::Usage(
                "--shard cannot be combined with --trace or --precision".into(),
            )
            .into());
        }
        let dir = out.join(spec.dir_name());
        report::create_dir(&dir)?;
        let items = spec.items(&everything);
        let exec = run_items(&plan, &items, opts, None, None, &stop)?;
        if exec.interrupted {
            eprintln!(
                "shard {} of {} interrupted: nothing written; run it again to complete the study",
                spec.index, spec.count
            );
            return Err(Interrupted.into());
        }
        let doc = shard::partial_json(&plan, spec, &exec.results, exec.events, exec.wall_seconds);
        report::atomic_write(
            &dir.join(shard::PARTIAL_FILE),
            serde_json::to_string(&doc)?.as_bytes(),
        )?;
        println!(
            "shard {} of {}: {} of {} replications done in {:.2} s; partial results in {}/",
            spec.index,
            spec.count,
            items.len(),
            everything.len(),
            exec.wall_seconds,
            dir.display()
        );
        return Ok(());
    }

    report::create_dir(&out)?;
    let parts = out.join(".trace-parts");
    if trace {
        report::create_dir(&parts)?;
    }
    let checkpoint = if common.resume.is_some() {
        Checkpoint::reopen(&out)?
    } else {
        Checkpoint::create(&out, &plan, trace)?
    };
    let sc = &plan.variants[0].prepared.scenario;
    let sink =
        |item: Item, records: &[forceplan::metrics::ViolationRecord]| -> forceplan::Result<()> {
            report::atomic_write(
                &parts.join(format!("{:08}.csv", item.replication)),
                report::trace_rows(sc, item.replication, records).as_bytes(),
            )
        };
    let todo: Vec<Item> = everything
        .iter()
        .copied()
        .filter(|i| !done.iter().any(|d| d.item == *i))
        .collect();
    let exec = run_items(
        &plan,
        &todo,
        opts,
        trace.then_some(&sink as _),
        Some(&checkpoint),
        &stop,
    )?;
    let (mut wall_seconds, threads, mut interrupted) =
        (exec.wall_seconds, exec.threads, exec.interrupted);
    done.extend(exec.results);
    let mut precision_state = None;
    if let Some((h, max)) = precision.filter(|_| !interrupted) {
        if !(h.is_finite() && h > 0.0) {
            return Err(forceplan::Error::Usage(format!(
                "--precision must be a positive number, got {h}"
            ))
            .into());
        }
        let batch = plan.replications.max(10);
        let mut n = plan.replications;
        loop {
            let grouped = ByVariant::group(plan.variants.len(), done.iter().cloned());
            let worst = forceplan::experiment::compare::half_widths(&grouped.results, plan.kpi)
                .into_iter()
                .fold(0.0, f64::max);
            let reached = worst <= h;
            if reached || n >= max {
                precision_state = Some((h, reached));
                break;
            }
            let next = (n + batch).min(max);
            eprintln!(
                "precision: worst CI half-width {worst:.4} > {h} after {n} replications; running {next}"
            );
            let more = run_items(
                &plan,
                &all_items(plan.variants.len(), n..next),
                opts,
                None,
                Some(&checkpoint),
                &stop,
            )?;
            done.extend(more.results);
            wall_seconds += more.wall_seconds;
            n = next;
            if more.interrupted {
                interrupted = true;
                break;
            }
        }
        plan.replications = n;
    }
    let info = RunInfo {
        seed: plan.seed,
        events: done.iter().map(|r| r.result.events).sum(),
        wall_seconds,
        threads,
        requested: plan.replications,
        interrupted,
    };
    let grouped = ByVariant::group(plan.variants.len(), done);
    let table = write_outputs(&plan, &grouped, &info, &out, precision_state)?;
    if trace {
        let mut all = String::from(report::TRACE_HEADER);
        for r in &grouped.results[0] {
            let part = parts.join(format!("{:08}.csv", r.replication));
            all.push_str(
                &std::fs::read_to_string(&part)
                    .with_context(|| format!("reading trace part {}", part.display()))?,
            );
        }
        report::atomic_write(&out.join("violations.csv"), all.as_bytes())?;
    }
    print!("{table}");
    if interrupted {
        let n: usize = grouped.results.iter().map(Vec::len).sum();
        println!(
            "\nINTERRUPTED after {n} of {} replications: the results above and in {}/ cover only those.\nContinue with: forceplan {} --resume {}",
            everything.len(),
            out.display(),
            kind.key(),
            out.display()
        );
        return Err(Interrupted.into());
    }
    if trace {
        std::fs::remove_dir_all(&parts).with_context(|| format!("removing {}", parts.display()))?;
    }
    Checkpoint::remove(&out)?;
    plots_and_report(&out, &plan, !common.no_plots)?;
    println!("\nresults written to {}/", out.display());
    Ok(())
}

/// Writes the outputs of a finished experiment (direct or merged); returns the table.
fn write_outputs(
    plan: &Plan,
    results: &ByVariant,
    info: &RunInfo,
    out: &Path,
    precision: Option<(f64, bool)>,
) -> Result<String> {
    Ok(match plan.kind {
        Kind::Run => {
            let sc = &plan.variants[0].prepared.scenario;
            let agg = report::write_run_dir(
                out,
                sc,
                &results.results[0],
                results.timelines[0].as_deref(),
                info,
            )?;
            report::summary_table(sc, &agg, info)
        }
        Kind::Compare => report::study::write_comparison(out, plan, results, info, precision)?.1,
        Kind::Sweep => report::study::write_sweep(out, plan, results, info)?,
    })
}

fn validate_model(dir: &Path, out: &Path, quick: bool, threads: usize) -> Result<()> {
    let start = std::time::Instant::now();
    let cases = forceplan::validation::run_suite(
        dir,
        forceplan::validation::SuiteOptions { quick, threads },
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let command = format!(
        "forceplan validate-model{}",
        if quick { " --quick" } else { "" }
    );
    report::atomic_write(
        out,
        report::validation::markdown(&cases, &command, seconds).as_bytes(),
    )?;
    print!("{}", report::validation::table(&cases));
    let failed = cases.iter().filter(|c| !c.pass).count();
    println!(
        "\n{} of {} cases pass ({seconds:.1} s); written to {}",
        cases.len() - failed,
        cases.len(),
        out.display()
    );
    if failed > 0 {
        anyhow::bail!("{failed} validation case(s) failed: the model disagrees with theory");
    }
    Ok(())
}

fn merge(dirs: &[PathBuf], out: Option<PathBuf>) -> Result<()> {
    let mut files = Vec::new();
    for d in dirs {
        if d.is_file() {
            files.push(d.clone());
        } else if d.join(shard::PARTIAL_FILE).is_file() {
            files.push(d.join(shard::PARTIAL_FILE));
        } else if d.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(d)
                .with_context(|| format!("reading {}", d.display()))?
                .filter_map(|e| e.ok().map(|e| e.path().join(shard::PARTIAL_FILE)))
                .filter(|p| p.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(forceplan::Error::Usage(format!(
                    "{} holds no shard results ({}/shard-K-of-N/{})",
                    d.display(),
                    d.display(),
                    shard::PARTIAL_FILE
                ))
                .into());
            }
            files.extend(found);
        } else {
            return Err(forceplan::Error::Read {
                path: d.clone(),
                io: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
            }
            .into());
        }
    }
    let mut partials = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|io| forceplan::Error::Read {
            path: f.clone(),
            io,
        })?;
        partials.push(shard::parse_partial(&f.display().to_string(), &text)?);
    }
    let merged = shard::merge(partials)?;
    let out = out.unwrap_or_else(|| {
        let parents: Vec<Option<&Path>> = files
            .iter()
            .map(|f| f.parent().and_then(Path::parent))
            .collect();
        match parents.first() {
            Some(Some(p)) if parents.iter().all(|q| q == &Some(*p)) => p.to_path_buf(),
            _ => Path::new("results").join(&merged.plan.name),
        }
    });
    let info = RunInfo {
        seed: merged.plan.seed,
        events: merged.events,
        wall_seconds: merged.wall_seconds,
        threads: 0,
        requested: merged.plan.replications,
        interrupted: false,
    };
    let table = write_outputs(&merged.plan, &merged.results, &info, &out, None)?;
    print!("{table}");
    plots_and_report(&out, &merged.plan, true)?;
    println!("\nmerged {} shards into {}/", files.len(), out.display());
    Ok(())
}

/// After a run, comparison or sweep: `theatre.json` (what plots need from the base scenario),
/// the plots, `report.html`.
fn plots_and_report(out: &Path, plan: &Plan, plots: bool) -> Result<()> {
    let sc = &plan.variants[0].prepared.scenario;
    let theatre = report::theatre(sc, &plan.main_file);
    report::atomic_write(
        &out.join("theatre.json"),
        serde_json::to_string_pretty(&theatre)?.as_bytes(),
    )?;
    if plots {
        plot(out)?;
    }
    report_html(out, plots)
}

/// Draws the plots of a results directory and says how long it took.
fn plot(dir: &Path) -> Result<Vec<forceplan::plot::PlotInfo>> {
    let t = std::time::Instant::now();
    let plots = forceplan::plot::draw_all(dir)?;
    println!(
        "drew {} plots (PNG and SVG) in {:.2} s into {}/",
        plots.len(),
        t.elapsed().as_secs_f64(),
        forceplan::plot::plots_dir(dir).display()
    );
    Ok(plots)
}

/// Writes `dir/report.html`.
fn report_html(dir: &Path, with_plots: bool) -> Result<()> {
    let path = report::html::write(dir, with_plots)?;
    println!("report written to {}", path.display());
    Ok(())
}
