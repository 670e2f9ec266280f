//! Workflows: one command's work from its inputs to a finished output directory — a fresh,
//! resumed, sharded or precision-driven experiment, or the merge of shards — with the
//! checkpoint, the trace files, the outputs, the plots and the report. It sits above
//! [`report`] and [`plot`](crate::plot); the binary only parses arguments,
//! calls these functions, prints what they return and maps errors to exit codes.

use crate::error::{Error, Result};
use crate::experiment::ByVariant;
use crate::experiment::Item;

pub mod optimise;
pub mod outdir;
use crate::experiment::ItemResult;
use crate::experiment::plan::{Inputs, Kind, Params, Plan};
use crate::experiment::runner::{
    self, Journal, Precision, PrecisionOutcome, Progress, RunOptions, Scope,
};
use crate::experiment::shard::{self, ShardSpec};
use crate::metrics::ViolationRecord;
use crate::report::checkpoint::{self, Checkpoint};
use crate::report::{self, RunInfo};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Where an experiment's inputs come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// An input file (scenario, study or sweep) and the command-line parameters.
    File {
        /// The file.
        path: PathBuf,
        /// Seed, replications and KPI given on the command line.
        params: Params,
    },
    /// The checkpoint of an interrupted run in this output directory.
    Resume(PathBuf),
}

/// An experiment to run into a directory.
#[derive(Debug, Clone)]
pub struct Request {
    /// Run, comparison or sweep.
    pub kind: Kind,
    /// Its inputs.
    pub source: Source,
    /// Output directory (default: `results/<name>/`; ignored on resume).
    pub out: Option<PathBuf>,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Also write `violations.csv`.
    pub trace: bool,
    /// Only one shard, written as partial results to `OUT/shard-K-of-N/`.
    pub shard: Option<ShardSpec>,
    /// Batches until a precision is reached.
    pub precision: Option<Precision>,
    /// Draw the plots.
    pub plots: bool,
    /// Replace whatever the output directory holds, even if it is not a result of this kind.
    pub force: bool,
}

/// Plots drawn into a results directory.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// How many (each as PNG and SVG).
    pub count: usize,
    /// Time taken \[s\].
    pub seconds: f64,
    /// Where.
    pub dir: PathBuf,
}

/// The files written after the outputs: plots (if drawn) and the report.
#[derive(Debug, Clone)]
pub struct Finish {
    /// The plots, if drawn.
    pub plots: Option<Drawn>,
    /// `report.html`.
    pub report: PathBuf,
}

/// What an experiment did.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A run, comparison or sweep that wrote its outputs (all of them, or, when
    /// interrupted, those of the finished items and no plots or report).
    Complete {
        /// The kind.
        kind: Kind,
        /// The output directory.
        out: PathBuf,
        /// The summary table for the terminal.
        table: String,
        /// Items finished.
        done: usize,
        /// Items of the run.
        total: usize,
        /// Whether it was stopped before the end (resume it with `--resume out`).
        interrupted: bool,
        /// Plots and report (none when interrupted).
        finish: Option<Finish>,
    },
    /// One shard.
    Shard {
        /// The kind.
        kind: Kind,
        /// Which.
        spec: ShardSpec,
        /// Its directory.
        dir: PathBuf,
        /// Items finished.
        done: usize,
        /// Items of the shard.
        planned: usize,
        /// Items of the whole study.
        study_items: usize,
        /// Simulation time \[s\].
        wall_seconds: f64,
        /// Whether it was stopped before the end (its checkpoint keeps the finished
        /// items: resume it with `--resume dir`).
        interrupted: bool,
    },
}

/// The shard of a directory named `shard-K-of-N`.
fn shard_spec_of(name: &str) -> Option<ShardSpec> {
    let (k, n) = name.strip_prefix("shard-")?.split_once("-of-")?;
    format!("{k}/{n}").parse().ok()
}

/// The journal of a whole run: the checkpoint, and one trace file per replication.
struct DirJournal<'a> {
    checkpoint: &'a Checkpoint,
    parts: &'a Path,
    plan: &'a Plan,
}

impl Journal for DirJournal<'_> {
    fn record(&self, r: &ItemResult) -> Result<()> {
        self.checkpoint.append(r)
    }
    fn trace(&self, item: Item, records: &[ViolationRecord]) -> Result<()> {
        let sc = &self.plan.variants[0].prepared.scenario;
        report::atomic_write(
            &self.parts.join(format!("{:08}.csv", item.replication)),
            report::trace_rows(sc, item.replication, records).as_bytes(),
        )
    }
}

fn usage(m: &str) -> Error {
    Error::Usage(m.into())
}

/// Runs an experiment into its output directory.
pub fn run_experiment(
    req: &Request,
    progress: &(dyn Fn(Progress) + Sync),
    stop: &AtomicBool,
) -> Result<Outcome> {
    let mut opts = RunOptions {
        threads: req.threads,
        trace: req.trace,
        scope: req.shard.map_or(Scope::Whole, Scope::Shard),
        precision: req.precision,
    };
    // A fresh study, or the rest of an interrupted one.
    let (mut plan, out, done, resumed) = match &req.source {
        Source::Resume(dir) => {
            // A shard's directory is resumed as that shard.
            opts.scope = dir
                .file_name()
                .and_then(|n| shard_spec_of(&n.to_string_lossy()))
                .map_or(Scope::Whole, Scope::Shard);
            if req.shard.is_some() || req.precision.is_some() {
                return Err(usage(
                    "--resume DIR takes everything from DIR: give no input file, --seed, --replications, --shard or --precision",
                ));
            }
            let saved = checkpoint::load(dir)?;
            if saved.manifest.kind != req.kind {
                return Err(Error::Usage(format!(
                    "{} holds an interrupted `{}`, not a `{}`",
                    dir.display(),
                    saved.manifest.kind.key(),
                    req.kind.key()
                )));
            }
            let m = saved.manifest;
            let plan = Plan::load(req.kind, &m.main_file, Inputs::sealed(m.inputs), m.params)?;
            if format!("{:016x}", plan.input_hash()) != m.input_hash {
                return Err(Error::Internal(
                    "the checkpoint's inputs do not match its hash".into(),
                ));
            }
            // Every saved item must belong to this plan (and shard), once, bit for bit as
            // written; a precision-driven run may hold replications up to its maximum.
            let spec = match opts.scope {
                Scope::Shard(spec) => Some(spec),
                Scope::Whole => None,
            };
            let up_to = saved.precision.map_or(plan.replications, |p| {
                p.max_replications.max(plan.replications)
            });
            crate::experiment::shard::check_items_up_to(
                &saved.items_file.display().to_string(),
                &saved.items,
                &plan,
                spec,
                up_to,
            )?;
            opts.trace = saved.trace;
            opts.precision = saved.precision;
            (plan, dir.clone(), saved.items, true)
        }
        Source::File { path, params } => {
            let plan = Plan::load(
                req.kind,
                &path.display().to_string(),
                Inputs::from_disk(),
                params.clone(),
            )?;
            let out = req
                .out
                .clone()
                .unwrap_or_else(|| Path::new("results").join(&plan.name));
            (plan, out, Vec::new(), false)
        }
    };
    runner::check_options(&opts)?;
    let total = plan.variants.len() * plan.replications as usize;
    if resumed {
        progress(Progress::Resumed {
            done: done.len() as u64,
            total: total as u64,
        });
    }

    if let Scope::Shard(spec) = opts.scope {
        // A shard keeps a checkpoint like a run, so that a stopped shard (Ctrl-C, SIGTERM
        // at a time limit) continues with `--resume OUT/shard-K-of-N`.
        let dir = if resumed {
            out.clone()
        } else {
            out.join(spec.dir_name())
        };
        let _lock = outdir::lock(&dir)?;
        let checkpoint = if resumed {
            Checkpoint::reopen(&dir)?
        } else {
            outdir::claim(&dir, req.kind, req.force, false)?;
            Checkpoint::create(&dir, &plan, false, None)?
        };
        let journal = DirJournal {
            checkpoint: &checkpoint,
            parts: &dir,
            plan: &plan,
        };
        let o = runner::run(&plan, done, opts, &journal, progress, stop)?;
        if !o.interrupted {
            let doc = shard::partial_json(&plan, spec, &o.results, o.events(), o.wall_seconds);
            let text = serde_json::to_string(&doc).map_err(|e| Error::Internal(e.to_string()))?;
            report::atomic_write(&dir.join(shard::PARTIAL_FILE), text.as_bytes())?;
            Checkpoint::remove(&dir)?;
        }
        return Ok(Outcome::Shard {
            kind: req.kind,
            spec,
            dir,
            done: o.results.len(),
            planned: o.planned,
            study_items: total,
            wall_seconds: o.wall_seconds,
            interrupted: o.interrupted,
        });
    }

    let _lock = outdir::lock(&out)?;
    if !resumed {
        outdir::claim(&out, req.kind, req.force, false)?;
    }
    let parts = out.join(".trace-parts");
    if opts.trace {
        report::create_dir(&parts)?;
    }
    let checkpoint = if resumed {
        Checkpoint::reopen(&out)?
    } else {
        Checkpoint::create(&out, &plan, opts.trace, opts.precision)?
    };
    let journal = DirJournal {
        checkpoint: &checkpoint,
        parts: &parts,
        plan: &plan,
    };
    let o = runner::run(&plan, done, opts, &journal, progress, stop)?;
    plan.replications = o.replications;
    let info = RunInfo {
        seed: plan.seed,
        events: o.events(),
        wall_seconds: o.wall_seconds,
        threads: o.threads,
        requested: plan.replications,
        interrupted: o.interrupted,
        effort: o.effort,
    };
    let (done, interrupted, precision) = (o.results.len(), o.interrupted, o.precision);
    let grouped = o.into_by_variant(plan.variants.len());
    let table = write_outputs(&plan, &grouped, &info, &out, precision)?;
    if opts.trace {
        let mut all = String::from(report::TRACE_HEADER);
        for r in &grouped.results[0] {
            let part = parts.join(format!("{:08}.csv", r.replication));
            all.push_str(&std::fs::read_to_string(&part).map_err(|io| Error::Read {
                path: part.clone(),
                io,
            })?);
        }
        report::atomic_write(&out.join("violations.csv"), all.as_bytes())?;
    }
    if interrupted {
        return Ok(Outcome::Complete {
            kind: req.kind,
            out,
            table,
            done,
            total,
            interrupted: true,
            finish: None,
        });
    }
    if opts.trace {
        std::fs::remove_dir_all(&parts).map_err(|io| Error::Write {
            path: parts.clone(),
            io,
        })?;
    }
    Checkpoint::remove(&out)?;
    let finish = plots_and_report(&out, &plan, req.plots)?;
    Ok(Outcome::Complete {
        kind: req.kind,
        out,
        table,
        done,
        total,
        interrupted: false,
        finish: Some(finish),
    })
}

/// Writes the outputs of a finished (or interrupted) experiment, direct or merged; returns
/// the summary table.
pub fn write_outputs(
    plan: &Plan,
    results: &ByVariant,
    info: &RunInfo,
    out: &Path,
    precision: Option<PrecisionOutcome>,
) -> Result<String> {
    Ok(match plan.kind {
        Kind::Run => {
            let sc = &plan.variants[0].prepared.scenario;
            let agg = report::write_run_dir(
                out,
                sc,
                &results.results[0],
                results.pooled[0].clone(),
                results.timelines[0].as_deref(),
                info,
            )?;
            let suggested =
                report::warmup::suggested_warm_up_days(&agg, results.timelines[0].as_deref());
            let loaded = report::warmup::heavily_loaded(&agg);
            report::summary_table(sc, &agg, info)
                + &report::warmup::warm_up_note(sc, loaded, suggested)
        }
        Kind::Compare => {
            let precision = precision.map(|p| (p.half_width, p.reached));
            report::study::write_comparison(out, plan, results, info, precision)?.1
        }
        Kind::Sweep => report::study::write_sweep(out, plan, results, info)?,
    })
}

/// What a merge did.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The summary table.
    pub table: String,
    /// Shards merged.
    pub shards: usize,
    /// Where the outputs are.
    pub out: PathBuf,
    /// Plots and report.
    pub finish: Finish,
}

/// The partial-results files named by `paths`: files, shard directories, or directories
/// holding shard directories.
fn partial_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for d in paths {
        if d.is_file() {
            files.push(d.clone());
        } else if d.join(shard::PARTIAL_FILE).is_file() {
            files.push(d.join(shard::PARTIAL_FILE));
        } else if d.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(d)
                .map_err(|io| Error::Read {
                    path: d.clone(),
                    io,
                })?
                .filter_map(|e| e.ok().map(|e| e.path().join(shard::PARTIAL_FILE)))
                .filter(|p| p.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "{} holds no shard results ({}/shard-K-of-N/{})",
                    d.display(),
                    d.display(),
                    shard::PARTIAL_FILE
                )));
            }
            files.extend(found);
        } else {
            return Err(Error::Read {
                path: d.clone(),
                io: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
            });
        }
    }
    Ok(files)
}

/// Combines the partial results of shards into the outputs of the whole study, in `out`
/// (default: the directory holding the shards; its shard directories are kept, anything
/// else there must be an earlier result of the same kind, or `force`).
pub fn merge(paths: &[PathBuf], out: Option<PathBuf>, force: bool) -> Result<Merged> {
    if let Some((done, shards)) = optimise::merge_shards(paths, out.clone(), force, &|_, _| {})? {
        let report = done.out.join("report.html");
        return Ok(Merged {
            table: done.console,
            shards,
            out: done.out,
            finish: Finish {
                plots: None,
                report,
            },
        });
    }
    let files = partial_files(paths)?;
    let mut partials = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|io| Error::Read {
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
        effort: crate::experiment::Effort::UNMEASURED,
    };
    let _lock = outdir::lock(&out)?;
    outdir::claim(&out, merged.plan.kind, force, true)?;
    let table = write_outputs(&merged.plan, &merged.results, &info, &out, None)?;
    let finish = plots_and_report(&out, &merged.plan, true)?;
    Ok(Merged {
        table,
        shards: files.len(),
        out,
        finish,
    })
}

/// After a run, comparison, sweep or merge: `theatre.json` (what plots need from the base
/// scenario), the plots (if `plots`), `report.html`.
pub fn plots_and_report(out: &Path, plan: &Plan, plots: bool) -> Result<Finish> {
    let sc = &plan.variants[0].prepared.scenario;
    let theatre = report::theatre(sc, &plan.main_file);
    let text =
        serde_json::to_string_pretty(&theatre).map_err(|e| Error::Internal(e.to_string()))?;
    report::atomic_write(&out.join("theatre.json"), text.as_bytes())?;
    let drawn = if plots {
        Some(draw(out, &crate::plot::PlotOptions::default())?)
    } else {
        None
    };
    let report = report::html::write(out, plots)?;
    Ok(Finish {
        plots: drawn,
        report,
    })
}

/// Draws the plots of a results directory.
pub fn draw(dir: &Path, opts: &crate::plot::PlotOptions) -> Result<Drawn> {
    let t = Instant::now();
    let plots = crate::plot::draw_all(dir, opts)?;
    Ok(Drawn {
        count: plots.len(),
        seconds: t.elapsed().as_secs_f64(),
        dir: crate::plot::plots_dir(dir),
    })
}
