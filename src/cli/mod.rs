//! Command-line interface.

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use forceplan::experiment::plan::{Kind, Params};
use forceplan::experiment::runner::{Precision, Progress};
use forceplan::experiment::shard::ShardSpec;
use forceplan::report;
use forceplan::scenario::{self, Domain, FixedSensorKind};
use forceplan::workflow::{self, Finish, Outcome, Request, Source};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::signals::{Interrupted, stop_on_signals};
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

mod optimise;
mod validate;
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

/// Shows a run's progress on stderr: a bar on a terminal, plain lines otherwise.
#[derive(Default)]
struct Display {
    bar: Mutex<Option<ProgressBar>>,
}

impl Display {
    fn show(&self, p: Progress) {
        let Ok(mut bar) = self.bar.lock() else {
            return;
        };
        match p {
            Progress::Resumed { done, total } => {
                eprintln!("resume: {done} of {total} replications already done");
            }
            Progress::BatchStarted { total } => {
                *bar = std::io::stderr().is_terminal().then(|| {
                    let b = ProgressBar::new(total);
                    let template = "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} replications (eta {eta})";
                    b.set_style(ProgressStyle::with_template(template).expect("valid template"));
                    b
                });
            }
            Progress::ItemDone { done, total } => match &*bar {
                Some(b) => b.inc(1),
                None if done.is_multiple_of((total / 10).max(1)) || done == total => {
                    eprintln!("progress: {done}/{total} replications")
                }
                None => {}
            },
            Progress::BatchEnded => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
            }
            Progress::MoreReplications {
                worst_half_width,
                target,
                replications,
                next,
            } => eprintln!(
                "precision: worst CI half-width {worst_half_width:.4} > {target} after {replications} replications; running {next}"
            ),
        }
    }
}

fn experiment(
    kind: Kind,
    file: Option<&Path>,
    common: Common,
    kpi: Option<String>,
    trace: bool,
    precision: Option<(f64, u64)>,
) -> Result<Option<PathBuf>> {
    let stop = stop_on_signals();
    let source = match (&common.resume, file) {
        (Some(dir), None)
            if common.seed.is_none()
                && common.replications.is_none()
                && common.horizon_days.is_none()
                && common.warm_up_days.is_none() =>
        {
            Source::Resume(dir.clone())
        }
        (Some(_), _) => {
            return Err(forceplan::Error::Usage("--resume DIR takes everything from DIR: give no input file, --seed, --replications, --horizon-days, --warm-up-days, --shard or --precision".into()).into());
        }
        (None, Some(path)) => Source::File {
            path: path.to_path_buf(),
            params: Params {
                seed: common.seed,
                replications: common.replications,
                kpi,
                warm_up_days: common.warm_up_days,
                horizon_days: common.horizon_days,
            },
        },
        (None, None) => {
            return Err(
                forceplan::Error::Usage("give an input file (or --resume DIR)".into()).into(),
            );
        }
    };
    let req = Request {
        kind,
        source,
        out: common.out,
        threads: common.threads,
        trace,
        shard: common.shard,
        precision: precision.map(|(half_width, max_replications)| Precision {
            half_width,
            max_replications,
        }),
        plots: !common.no_plots,
        force: common.force,
    };
    let display = Display::default();
    match workflow::run_experiment(&req, &|p| display.show(p), stop)? {
        Outcome::Shard {
            kind,
            spec,
            dir,
            done,
            planned,
            study_items,
            wall_seconds,
            interrupted,
        } => {
            if interrupted {
                eprintln!(
                    "shard {} of {} interrupted after {done} of its {planned} replications, kept in {}/.\nContinue with: forceplan {} --resume {}",
                    spec.index,
                    spec.count,
                    dir.display(),
                    kind.key(),
                    dir.display()
                );
                return Err(Interrupted.into());
            }
            outln!(
                "shard {} of {}: {done} of {study_items} replications done in {wall_seconds:.2} s; partial results in {}/",
                spec.index,
                spec.count,
                dir.display()
            );
        }
        Outcome::Complete {
            kind,
            out,
            table,
            done,
            total,
            interrupted,
            finish,
        } => {
            out!("{table}");
            if interrupted {
                outln!(
                    "\nINTERRUPTED after {done} of {total} replications: the results above and in {}/ cover only those.\nContinue with: forceplan {} --resume {}",
                    out.display(),
                    kind.key(),
                    out.display()
                );
                return Err(Interrupted.into());
            }
            if let Some(f) = finish {
                print_finish(&f);
            }
            outln!("\nresults written to {}/", out.display());
            return Ok(Some(out));
        }
    }
    Ok(None)
}

/// `compare --all-pairs`: every pair of options of the comparison in `dir`, from the
/// replications each option wrote (paired by replication, Bonferroni over all pairs).
fn print_all_pairs(dir: &Path) -> Result<()> {
    use forceplan::experiment::compare::{all_pairs, pairwise};
    use forceplan::metrics::{Kpi, Kpis, ReplicationResult};
    let c: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("comparison.json"))?)?;
    let kpi_name = c["kpi"].as_str().unwrap_or_default().to_string();
    let k = Kpi::from_name(&kpi_name)
        .ok_or_else(|| anyhow::anyhow!("comparison.json names no known KPI"))?;
    if let Some(scoped) = c["ranked_by"].as_str().filter(|r| *r != kpi_name) {
        outln!(
            "\nnote: --all-pairs compares the theatre KPI {kpi_name} (each option's replications.csv), not {scoped}"
        );
    }
    let names: Vec<String> = c["options"]
        .as_array()
        .map(|o| {
            o.iter()
                .filter_map(|x| x["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut results = Vec::new();
    for n in &names {
        let text = std::fs::read_to_string(dir.join("options").join(n).join("replications.csv"))?;
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let col = header
            .iter()
            .position(|h| *h == kpi_name)
            .ok_or_else(|| anyhow::anyhow!("replications.csv of {n} has no column {kpi_name}"))?;
        let rows = lines
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                let mut kpis = Kpis {
                    values: [f64::NAN; forceplan::metrics::KPI_COUNT],
                };
                kpis.values[k as usize] =
                    f.get(col).and_then(|x| x.parse().ok()).unwrap_or(f64::NAN);
                ReplicationResult {
                    replication: f.first().and_then(|x| x.parse().ok()).unwrap_or(0),
                    events: 0,
                    kpis,
                    by_domain: [kpis; 3],
                    by_nation: Vec::new(),
                    by_sector: Vec::new(),
                    response_hist: [Vec::new(), Vec::new(), Vec::new()],
                    by_type: Vec::new(),
                    by_sector_type: Vec::new(),
                    type_times: Vec::new(),
                    sector_contingent: Vec::new(),
                }
            })
            .collect::<Vec<_>>();
        results.push(rows);
    }
    let pairs = all_pairs(names.len());
    let diffs = pairwise(&results, &pairs, k);
    outln!(
        "\nall {} pairs, {kpi_name}: paired differences (b − a) with {:.1}% intervals (Bonferroni over all pairs keeps 95% family-wise):",
        pairs.len(),
        100.0 * (1.0 - forceplan::experiment::compare::ALPHA / pairs.len().max(1) as f64)
    );
    outln!(
        "{:<28} {:<28} {:>26}  verdict for b",
        "a",
        "b",
        "b - a [CI]"
    );
    for (&(a, b), d) in pairs.iter().zip(&diffs) {
        outln!(
            "{:<28} {:<28} {:>+9.3} [{:+.3}, {:+.3}]  {}",
            names[a],
            names[b],
            d.mean,
            d.ci_low,
            d.ci_high,
            d.verdict.key()
        );
    }
    Ok(())
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
