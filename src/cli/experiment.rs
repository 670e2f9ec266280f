//! `run`, `compare` and `sweep`: the request from the command line, the progress shown on
//! stderr while replications run, and the lines printed when they end (`compare
//! --all-pairs` included).

use super::{Common, emit, print_finish};
use anyhow::Result;
use forceplan::experiment::plan::{Kind, Params};
use forceplan::experiment::runner::{Precision, Progress};
use forceplan::workflow::{self, Outcome, Request, Source};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::signals::{Interrupted, stop_on_signals};

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

pub(super) fn experiment(
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
pub(super) fn print_all_pairs(dir: &Path) -> Result<()> {
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
