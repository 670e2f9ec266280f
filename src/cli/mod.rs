//! Command-line interface.

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use forceplan::experiment::plan::{Kind, Params};
use forceplan::experiment::shard::ShardSpec;
use forceplan::report;
use forceplan::scenario::{self, Domain, FixedSensorKind};
use forceplan::workflow::{self, Finish};
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout is closed (`forceplan validate x.ron | head -1`): later output is
/// dropped and the command ends normally.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout; a closed pipe (or any write error) ends the output, never the
/// command, and never panics as `println!` does.
fn emit(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out.write_fmt(args).and_then(|()| out.flush()).is_err() {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// `print!` through [`emit`].
macro_rules! out {
    ($($t:tt)*) => { emit(format_args!($($t)*)) };
}

/// `println!` through [`emit`].
macro_rules! outln {
    ($($t:tt)*) => { emit(format_args!("{}\n", format_args!($($t)*))) };
}

mod experiment;
mod optimise;
mod validate;
use experiment::{experiment, print_all_pairs};
use validate::validate;

/// Most replications per variant, as in a scenario file.
const MAX_REPLICATIONS: u64 = forceplan::experiment::MAX_REPLICATIONS;

/// Parses a replication count: 1 to [`MAX_REPLICATIONS`], as in a scenario file.
fn replications_arg(s: &str) -> std::result::Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("must be at least 1, got 0".into()),
        Ok(n) if n <= MAX_REPLICATIONS => Ok(n),
        _ => Err(format!(
            "expected 1 to {MAX_REPLICATIONS} replications (the limit of a scenario's `replications`), got \"{s}\""
        )),
    }
}

/// Parses `--horizon-days`: a number of days in (0, 36,500], as a scenario's `horizon_days`.
fn horizon_arg(s: &str) -> std::result::Result<f64, String> {
    let max = forceplan::scenario::validate::MAX_HORIZON_DAYS;
    match s.parse::<f64>() {
        Ok(d) if d.is_finite() && d > 0.0 && d <= max => Ok(d),
        _ => Err(format!(
            "expected a number of days in (0, {max}] (as a scenario's `horizon_days`), got \"{s}\""
        )),
    }
}

/// Parses `--threads`: 0 (one per core) to [`forceplan::experiment::MAX_THREADS`].
/// The long help of `--kpi`: what it does, the KPI names and the scopes.
fn kpi_help(what: &str) -> String {
    format!(
        "{what}\nKPIs: {}.\nA KPI may be scoped: KPI[type=ID], KPI[sector=ID], KPI[type=ID,sector=ID], KPI[domain=air|sea|land] or KPI[nation=CODE] (nation: response_time_mean_h and utilisation only), e.g. response_time_p90_h[type=land-incursion].",
        forceplan::metrics::scope::kpi_list()
    )
}

fn threads_arg(s: &str) -> std::result::Result<usize, String> {
    let max = forceplan::experiment::MAX_THREADS;
    match s.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!(
            "expected 0 (one per core) to {max} threads, got \"{s}\""
        )),
    }
}

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
    /// Replications per variant, 1 to 1,000,000 (default: the study's or scenario's, else 30).
    #[arg(long, short = 'n', value_parser = replications_arg)]
    replications: Option<u64>,
    /// Master seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Days at the start of each replication left out of the KPIs, instead of the
    /// scenario's `warm_up_days` (0 ≤ DAYS < horizon).
    #[arg(long, value_name = "DAYS")]
    warm_up_days: Option<f64>,
    /// Simulated days per replication, instead of the scenario's `horizon_days` (every
    /// option or design point runs this long).
    #[arg(long, value_name = "DAYS", value_parser = horizon_arg)]
    horizon_days: Option<f64>,
    /// Worker threads, at most 1024 (default: all cores; never more than the replications).
    #[arg(long, short = 't', default_value_t = 0, value_parser = threads_arg)]
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
    /// Replace what the output directory holds even if it is not a result of this command.
    #[arg(long)]
    force: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate a scenario, study or sweep file and print a summary of the force
    /// (for a study or sweep: each option or design point as a difference from the baseline).
    Validate {
        /// Scenario, study or sweep file (RON).
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
        /// Days of replication 0 the timeline shows, from the start (default 30).
        #[arg(long, value_name = "DAYS", value_parser = horizon_arg)]
        timeline_days: Option<f64>,
    },
    /// Draw the plots and write DIR/report.html, one self-contained page.
    Report {
        /// Results directory (the --out of `forceplan run`, `compare` or `sweep`).
        dir: PathBuf,
        /// Days of replication 0 the timeline shows, from the start (default 30).
        #[arg(long, value_name = "DAYS", value_parser = horizon_arg)]
        timeline_days: Option<f64>,
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
        /// Most replications per option with --precision (at most 1,000,000).
        #[arg(long, default_value_t = 1000, value_parser = replications_arg)]
        max_replications: u64,
        /// KPI to rank options by (default: the study's, else response_time_p90_h).
        #[arg(long, long_help = kpi_help("KPI to rank options by and to reach --precision for (default: the study's, else response_time_p90_h)."))]
        kpi: Option<String>,
        /// Also compare every pair of options (paired differences, Bonferroni over all pairs).
        #[arg(long)]
        all_pairs: bool,
    },
    /// Run a parameter sweep (grid or Latin hypercube) with common random numbers.
    Sweep {
        /// Sweep file (RON).
        #[arg(required_unless_present = "resume")]
        sweep: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// KPI of the summary table (default: the sweep's, else response_time_p90_h).
        #[arg(long, long_help = kpi_help("KPI of the summary table (default: the sweep's, else response_time_p90_h)."))]
        kpi: Option<String>,
    },
    /// Search for the best force plan of a problem file (placement, unit counts, notice to
    /// move) with common random numbers and a stated statistical guarantee.
    Optimise(optimise::OptimiseArgs),
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
        /// Worker threads, at most 1024 (default: all cores).
        #[arg(long, short = 't', default_value_t = 0, value_parser = threads_arg)]
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
        /// Replace what the output directory holds even if it is not a merged result of this kind.
        #[arg(long)]
        force: bool,
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
        } => experiment(Kind::Run, scenario.as_deref(), common, None, trace, None).map(|_| ()),
        Command::Compare {
            study,
            common,
            precision,
            max_replications,
            kpi,
            all_pairs,
        } => {
            let out = experiment(
                Kind::Compare,
                study.as_deref(),
                common,
                kpi,
                false,
                precision.map(|h| (h, max_replications)),
            )?;
            match out {
                Some(dir) if all_pairs => print_all_pairs(&dir),
                _ => Ok(()),
            }
        }
        Command::Sweep { sweep, common, kpi } => {
            experiment(Kind::Sweep, sweep.as_deref(), common, kpi, false, None).map(|_| ())
        }
        Command::Merge { dirs, out, force } => merge(&dirs, out, force),
        Command::Optimise(args) => optimise::optimise(args),
        Command::ValidateModel {
            scenarios,
            out,
            quick,
            threads,
        } => validate_model(&scenarios, &out, quick, threads),
        Command::Plot { dir, timeline_days } => {
            print_drawn(&workflow::draw(&dir, &plot_options(timeline_days))?);
            Ok(())
        }
        Command::Report { dir, timeline_days } => {
            print_drawn(&workflow::draw(&dir, &plot_options(timeline_days))?);
            let path = report::html::write(&dir, true)?;
            outln!("report written to {}", path.display());
            Ok(())
        }
    }
}

/// The plot options of `plot` and `report`.
fn plot_options(timeline_days: Option<f64>) -> forceplan::plot::PlotOptions {
    let mut o = forceplan::plot::PlotOptions::default();
    if let Some(d) = timeline_days {
        o.timeline_days = d;
    }
    o
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
    out!("{}", report::validation::table(&cases));
    let failed = cases.iter().filter(|c| !c.pass).count();
    outln!(
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

fn merge(dirs: &[PathBuf], out: Option<PathBuf>, force: bool) -> Result<()> {
    let m = workflow::merge(dirs, out, force)?;
    out!("{}", m.table);
    print_finish(&m.finish);
    outln!("\nmerged {} shards into {}/", m.shards, m.out.display());
    Ok(())
}

/// Says where the plots and the report went.
fn print_finish(f: &Finish) {
    if let Some(d) = &f.plots {
        print_drawn(d);
    }
    outln!("report written to {}", f.report.display());
}

fn print_drawn(d: &workflow::Drawn) {
    outln!(
        "drew {} plots (PNG and SVG) in {:.2} s into {}/",
        d.count,
        d.seconds,
        d.dir.display()
    );
}
