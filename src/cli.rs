//! Command-line interface.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use forceplan::experiment::{RunOptions, run_replications};
use forceplan::metrics::Aggregate;
use forceplan::model::Prepared;
use forceplan::report::{self, RunInfo};
use forceplan::scenario::{self, Domain, FixedSensorKind, Scenario};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
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
        scenario: PathBuf,
        /// Replications (default: the scenario's, else 30).
        #[arg(long, short = 'n')]
        replications: Option<u64>,
        /// Master seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long, short = 't', default_value_t = 0)]
        threads: usize,
        /// Output directory (default: results/<scenario name>/).
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Also write violations.csv, one row per violation of every replication.
        #[arg(long)]
        trace: bool,
        /// Do not draw plots (report.html is still written, without them).
        #[arg(long)]
        no_plots: bool,
    },
    /// Re-draw the plots of a results directory into DIR/plots/ (PNG and SVG).
    Plot {
        /// Results directory (the --out of `forceplan run`).
        dir: PathBuf,
    },
    /// Draw the plots and write DIR/report.html, one self-contained page.
    Report {
        /// Results directory (the --out of `forceplan run`).
        dir: PathBuf,
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
            replications,
            seed,
            threads,
            out,
            trace,
            no_plots,
        } => run(&scenario, replications, seed, threads, out, trace, no_plots),
        Command::Plot { dir } => plot(&dir).map(|_| ()),
        Command::Report { dir } => {
            plot(&dir)?;
            report_html(&dir, true)
        }
    }
}

fn validate(path: &Path, json: bool) -> Result<()> {
    let sc = scenario::load(path)?;
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

fn run(
    path: &Path,
    replications: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    out: Option<PathBuf>,
    trace: bool,
    no_plots: bool,
) -> Result<()> {
    let mut sc = scenario::load(path)?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    let count = replications.unwrap_or(u64::from(sc.replications));
    if count == 0 {
        return Err(forceplan::Error::Usage("--replications must be at least 1".into()).into());
    }
    let out = out.unwrap_or_else(|| Path::new("results").join(&sc.name));
    report::create_dir(&out)?;
    let seed = sc.seed;
    let prepared = Prepared::new(sc);
    let sc: &Scenario = &prepared.scenario;

    let parts = out.join(".trace-parts");
    if trace {
        report::create_dir(&parts)?;
    }
    let sink =
        |rep: u64, records: &[forceplan::metrics::ViolationRecord]| -> forceplan::Result<()> {
            report::atomic_write(
                &parts.join(format!("{rep:08}.csv")),
                report::trace_rows(sc, rep, records).as_bytes(),
            )
        };

    let done = AtomicU64::new(0);
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(count);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} replications (eta {eta})",
            )
            .expect("valid template"),
        );
        b
    });
    let step = (count / 10).max(1);
    let progress = || {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        match &bar {
            Some(b) => b.inc(1),
            None if n.is_multiple_of(step) || n == count => {
                eprintln!("progress: {n}/{count} replications")
            }
            None => {}
        }
    };
    let stop = AtomicBool::new(false);
    let opts = RunOptions {
        first: 0,
        count,
        threads,
        trace,
        timeline: true,
    };
    let results = run_replications(
        &prepared,
        &opts,
        &progress,
        trace.then_some(&sink as _),
        &stop,
    )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }

    let agg = Aggregate::of(&results.replications);
    let info = RunInfo {
        seed,
        events: results.events,
        wall_seconds: results.wall_seconds,
        threads: results.threads,
        requested: count,
        interrupted: results.interrupted,
    };
    let summary = report::summary(sc, &agg, &info);
    report::atomic_write(
        &out.join("summary.json"),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )?;
    report::atomic_write(
        &out.join("replications.csv"),
        report::replications_csv(&results.replications).as_bytes(),
    )?;
    report::atomic_write(
        &out.join("by_nation.csv"),
        report::by_nation_csv(sc, &agg).as_bytes(),
    )?;
    report::atomic_write(
        &out.join("by_sector.csv"),
        report::by_sector_csv(sc, &agg).as_bytes(),
    )?;
    report::atomic_write(
        &out.join("replications_by_sector.csv"),
        report::replications_by_sector_csv(sc, &results.replications).as_bytes(),
    )?;
    report::atomic_write(
        &out.join("response_times.csv"),
        report::response_times_csv(&agg).as_bytes(),
    )?;
    if let Some(t) = &results.timeline {
        report::atomic_write(
            &out.join("timeline.csv"),
            report::timeline_csv(t).as_bytes(),
        )?;
    }
    if trace {
        let mut all = String::from(report::TRACE_HEADER);
        for r in &results.replications {
            let part = parts.join(format!("{:08}.csv", r.replication));
            all.push_str(
                &std::fs::read_to_string(&part)
                    .with_context(|| format!("reading trace part {}", part.display()))?,
            );
        }
        report::atomic_write(&out.join("violations.csv"), all.as_bytes())?;
        std::fs::remove_dir_all(&parts).with_context(|| format!("removing {}", parts.display()))?;
    }
    print!("{}", report::summary_table(sc, &agg, &info));
    plots_and_report(&out, path, sc, !no_plots)?;
    println!("\nresults written to {}/", out.display());
    Ok(())
}

/// After a run: `theatre.json` (what plots need from the scenario), the plots, `report.html`.
fn plots_and_report(out: &Path, scenario_file: &Path, sc: &Scenario, plots: bool) -> Result<()> {
    let theatre = report::theatre(sc, &scenario_file.display().to_string());
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
