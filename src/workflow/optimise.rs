//! `forceplan optimise` into its output directory: the problem and its inputs (`run.json`,
//! so a stopped run resumes from the same texts), the journal of finished (plan,
//! replication) values (`journal.json`, rewritten atomically after every batch),
//! `optimum.json`, `best.ron` and the base scenario it runs (`base-scenario.ron`); the shards
//! of an exhaustive evaluation (`shard-K-of-N/`) and their merge.

use crate::error::{Diagnostic, Error, Result};
use crate::experiment::optimise::eval::{Obs, Progress};
use crate::experiment::optimise::space::{PlanVec, Space};
use crate::experiment::optimise::{Mode, Options, evaluate_shard, optimise};
use crate::experiment::shard::ShardSpec;
use crate::report::atomic_write;
use crate::report::optimum::{OptimumInfo, best_study, console, optimum_file};
use crate::scenario::change::RawChange;
use crate::scenario::inputs::Inputs;
use crate::scenario::problem::Problem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The files an optimisation writes (anything else in its directory is refused without
/// `--force`).
pub const FILES: [&str; 8] = [
    "run.json",
    "plots",
    "report.html",
    "journal.json",
    "optimum.json",
    "best.ron",
    "base-scenario.ron",
    super::outdir::LOCK_FILE,
];

/// What to optimise and how.
#[derive(Debug, Clone, Default)]
pub struct OptimiseRequest {
    /// Problem file (none with `resume`).
    pub problem: Option<PathBuf>,
    /// Master seed instead of the scenario's.
    pub seed: Option<u64>,
    /// Budget of replications instead of the problem's.
    pub budget: Option<u64>,
    /// Evaluate every plan with this many replications instead of searching.
    pub exhaustive: Option<u64>,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Output directory (default `results/<name>`).
    pub out: Option<PathBuf>,
    /// Continue the stopped run in this directory.
    pub resume: Option<PathBuf>,
    /// Replace what the output directory holds.
    pub force: bool,
    /// Draw the convergence plot into `DIR/plots/` (`report.html` is always written).
    pub plots: bool,
    /// Only this shard of an exhaustive evaluation, into `OUT/shard-K-of-N/`.
    pub shard: Option<ShardSpec>,
}

/// What an optimisation did.
#[derive(Debug, Clone)]
pub struct OptimiseDone {
    /// Output directory.
    pub out: PathBuf,
    /// The console lines (empty when interrupted).
    pub console: String,
    /// Whether a signal stopped it (the journal keeps what finished).
    pub interrupted: bool,
    /// Valid but worth saying (bases left out by caveats).
    pub warnings: Vec<Diagnostic>,
}

/// `run.json`: how the run was asked for, with the input texts it read.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunFile {
    kind: String,
    problem: String,
    seed: Option<u64>,
    budget: Option<u64>,
    exhaustive: Option<u64>,
    inputs: Vec<(String, String)>,
    /// Shard `(K, N)` of an exhaustive evaluation.
    #[serde(default)]
    shard: Option<(u32, u32)>,
    /// Whether the shard finished all its plans.
    #[serde(default)]
    complete: bool,
}

/// `journal.json`: every finished (plan, replication) value as IEEE bits.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct JournalFile {
    plans: Vec<JournalPlan>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JournalPlan {
    plan: PlanVec,
    objective: Vec<u64>,
    constraints: Vec<Vec<u64>>,
}

fn to_journal(map: &BTreeMap<PlanVec, Obs>) -> JournalFile {
    JournalFile {
        plans: map
            .iter()
            .map(|(p, o)| JournalPlan {
                plan: p.clone(),
                objective: o.objective.iter().map(|x| x.to_bits()).collect(),
                constraints: o
                    .constraints
                    .iter()
                    .map(|c| c.iter().map(|x| x.to_bits()).collect())
                    .collect(),
            })
            .collect(),
    }
}

fn from_journal(j: JournalFile) -> BTreeMap<PlanVec, Obs> {
    j.plans
        .into_iter()
        .map(|p| {
            (
                p.plan,
                Obs {
                    objective: p.objective.into_iter().map(f64::from_bits).collect(),
                    constraints: p
                        .constraints
                        .into_iter()
                        .map(|c| c.into_iter().map(f64::from_bits).collect())
                        .collect(),
                },
            )
        })
        .collect()
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|io| Error::Read {
        path: path.to_path_buf(),
        io,
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{} is not a forceplan optimise file: {e}",
            path.display()
        ))
    })
}

fn kpi_check(k: &str, sc: &crate::scenario::Scenario) -> Option<String> {
    crate::metrics::scope::ScopedKpi::parse(k, sc).err()
}

/// Runs an optimisation into its output directory.
pub fn run_optimise(
    req: &OptimiseRequest,
    progress: Progress<'_>,
    stop: &AtomicBool,
) -> Result<OptimiseDone> {
    let start = Instant::now();
    let (run, mut inputs, journal, out) = match (&req.resume, &req.problem) {
        (Some(dir), None) => {
            let run: RunFile = read_json(&dir.join("run.json"))?;
            let journal = if dir.join("journal.json").is_file() {
                from_journal(read_json(&dir.join("journal.json"))?)
            } else {
                BTreeMap::new()
            };
            let inputs = Inputs::sealed(run.inputs.clone());
            (run, inputs, journal, Some(dir.clone()))
        }
        (None, Some(p)) => (
            RunFile {
                kind: "optimise".into(),
                problem: p.display().to_string(),
                seed: req.seed,
                budget: req.budget,
                exhaustive: req.exhaustive,
                inputs: Vec::new(),
                shard: req.shard.map(|s| (s.index, s.count)),
                complete: false,
            },
            Inputs::from_disk(),
            BTreeMap::new(),
            req.out.clone(),
        ),
        _ => {
            return Err(Error::Usage(
                "give a problem file, or --resume DIR alone".into(),
            ));
        }
    };
    if run.kind != "optimise" {
        return Err(Error::Usage("run.json is not of forceplan optimise".into()));
    }
    let overrides: Vec<RawChange> = run.seed.map(RawChange::SetSeed).into_iter().collect();
    let problem = Problem::load(&run.problem, &mut inputs, &overrides, &kpi_check)?;
    let out = out.unwrap_or_else(|| PathBuf::from("results").join(&problem.name));
    let out = match (&req.resume, req.shard) {
        (None, Some(s)) => out.join(s.dir_name()),
        _ => out,
    };
    let _lock = super::outdir::lock(&out)?;
    if req.resume.is_none() {
        claim(&out, req.force)?;
    }
    let run = RunFile {
        inputs: inputs.files().to_vec(),
        ..run
    };
    atomic_write(
        &out.join("run.json"),
        &serde_json::to_vec_pretty(&run).map_err(|e| Error::Internal(e.to_string()))?,
    )?;
    let space = Space::new(&problem);
    let kept = Arc::new(Mutex::new(journal.clone()));
    let journal_path = out.join("journal.json");
    let kept2 = Arc::clone(&kept);
    let on_batch = move |batch: &[(PlanVec, usize, Obs)]| -> Result<()> {
        let mut j = kept2.lock().expect("journal lock");
        for (p, from, o) in batch {
            let e = j.entry(p.clone()).or_insert_with(|| Obs {
                objective: Vec::new(),
                constraints: vec![Vec::new(); o.constraints.len()],
            });
            if e.len() == *from {
                e.objective.extend(&o.objective);
                for (c, v) in o.constraints.iter().enumerate() {
                    e.constraints[c].extend(v);
                }
            }
        }
        let bytes =
            serde_json::to_vec(&to_journal(&j)).map_err(|e| Error::Internal(e.to_string()))?;
        atomic_write(&journal_path, &bytes)
    };
    let opts = Options {
        mode: run.exhaustive.map_or(Mode::Search, Mode::Exhaustive),
        budget: run.budget,
        threads: req.threads,
        stop,
        progress,
        journal,
        on_batch: Some(Box::new(on_batch)),
    };
    if let Some((index, count)) = run.shard {
        let Some(r) = run.exhaustive else {
            return Err(Error::Usage(SHARD_NEEDS_EXHAUSTIVE.into()));
        };
        let plans = match evaluate_shard(&problem, &space, opts, r, index, count) {
            Ok(n) => n,
            Err(Error::Interrupted) => {
                return Ok(OptimiseDone {
                    out,
                    console: String::new(),
                    interrupted: true,
                    warnings: problem.warnings.clone(),
                });
            }
            Err(e) => return Err(e),
        };
        let run = RunFile {
            complete: true,
            ..run
        };
        atomic_write(
            &out.join("run.json"),
            &serde_json::to_vec_pretty(&run).map_err(|e| Error::Internal(e.to_string()))?,
        )?;
        return Ok(OptimiseDone {
            console: format!(
                "shard {index} of {count}: {plans} plans x {r} replications in {}/journal.json; combine the shards with forceplan merge\n",
                out.display()
            ),
            out,
            interrupted: false,
            warnings: problem.warnings.clone(),
        });
    }
    let outcome = match optimise(&problem, &space, opts) {
        Ok(o) => o,
        Err(Error::Interrupted) => {
            return Ok(OptimiseDone {
                out,
                console: String::new(),
                interrupted: true,
                warnings: problem.warnings.clone(),
            });
        }
        Err(e) => return Err(e),
    };
    let file = optimum_file(
        &problem,
        &space,
        &outcome,
        OptimumInfo {
            seed: problem.base.seed,
            wall_seconds: start.elapsed().as_secs_f64(),
        },
    );
    let json = serde_json::to_vec_pretty(&file).map_err(|e| Error::Internal(e.to_string()))?;
    let base_text = inputs
        .files()
        .iter()
        .find(|(name, _)| *name == problem.source.file())
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| problem.source.text().to_string());
    atomic_write(&out.join("base-scenario.ron"), base_text.as_bytes())?;
    atomic_write(
        &out.join("best.ron"),
        best_study(&problem, &file, "base-scenario.ron").as_bytes(),
    )?;
    atomic_write(&out.join("optimum.json"), &json)?;
    if req.plots {
        super::draw(&out, &crate::plot::PlotOptions::default())?;
    }
    crate::report::html::write(&out, req.plots)?;
    let mut text = console(&file);
    for n in &outcome.screen {
        text.push_str(n);
        text.push('\n');
    }
    Ok(OptimiseDone {
        out,
        console: text,
        interrupted: false,
        warnings: problem.warnings.clone(),
    })
}

/// Refuses a directory that holds anything but an optimisation's files, unless `force`;
/// clears an earlier optimisation's files.
fn claim(dir: &Path, force: bool) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|io| Error::Read {
        path: dir.to_path_buf(),
        io,
    })?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == super::outdir::LOCK_FILE {
            continue;
        }
        if !FILES.contains(&name.as_str()) && !force {
            return Err(Error::Usage(format!(
                "{} holds {name}, which is not a result of forceplan optimise; choose another --out or add --force",
                dir.display()
            )));
        }
        let path = e.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|io| Error::Write { path, io })?;
    }
    Ok(())
}

/// The refusal of `--shard` without `--exhaustive`.
pub const SHARD_NEEDS_EXHAUSTIVE: &str = "--shard K/N splits an exhaustive evaluation only (--exhaustive N): the adaptive search is not sharded, because each of its steps depends on the last";

/// The shard directories of an optimisation among `paths` (shard directories, or
/// directories holding them), with their `run.json`; empty when they are not an
/// optimisation's (a study's shards).
fn optimise_shards(paths: &[PathBuf]) -> Result<Vec<(PathBuf, RunFile)>> {
    let mut dirs = Vec::new();
    for p in paths {
        if p.join("run.json").is_file() {
            dirs.push(p.clone());
        } else if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|io| Error::Read {
                    path: p.clone(),
                    io,
                })?
                .flatten()
                .map(|e| e.path())
                .filter(|d| {
                    d.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("shard-"))
                        && d.join("run.json").is_file()
                })
                .collect();
            found.sort();
            dirs.extend(found);
        }
    }
    let mut shards = Vec::new();
    for d in dirs {
        let Ok(run) = read_json::<RunFile>(&d.join("run.json")) else {
            continue;
        };
        if run.kind == "optimise" && run.shard.is_some() {
            shards.push((d, run));
        }
    }
    Ok(shards)
}

/// `forceplan merge` of the shards of an exhaustive optimisation (`None` when `paths` are
/// not such shards): checks that they are the `N` shards of one problem, with the same input
/// texts, seed and replications, each finished; combines their journals in `out` (default:
/// the directory holding the shards, whose shard directories are kept) and replays them,
/// which gives the `optimum.json` of the unsharded `--exhaustive` run. Returns what the
/// optimisation did and the number of shards.
pub fn merge_shards(
    paths: &[PathBuf],
    out: Option<PathBuf>,
    force: bool,
    progress: Progress<'_>,
) -> Result<Option<(OptimiseDone, usize)>> {
    let shards = optimise_shards(paths)?;
    let Some((first_dir, first)) = shards.first() else {
        return Ok(None);
    };
    let count = first.shard.map_or(0, |s| s.1);
    let mut seen = vec![false; count as usize];
    let mut journal: BTreeMap<PlanVec, Obs> = BTreeMap::new();
    for (d, run) in &shards {
        let same = run.problem == first.problem
            && run.seed == first.seed
            && run.exhaustive == first.exhaustive
            && run.inputs == first.inputs;
        if !same {
            return Err(Error::Usage(format!(
                "{} is a shard of another optimisation than {} (problem, input files, seed or --exhaustive differ)",
                d.display(),
                first_dir.display()
            )));
        }
        let (k, n) = run.shard.unwrap_or((0, 0));
        if n != count || k == 0 || k > n || seen[k as usize - 1] {
            return Err(Error::Usage(format!(
                "{} is shard {k} of {n}: give each of the {count} shards once",
                d.display()
            )));
        }
        seen[k as usize - 1] = true;
        if !run.complete {
            return Err(Error::Usage(format!(
                "{} did not finish; continue it with forceplan optimise --resume {}",
                d.display(),
                d.display()
            )));
        }
        journal.extend(from_journal(read_json(&d.join("journal.json"))?));
    }
    if let Some(k) = seen.iter().position(|s| !s) {
        return Err(Error::Usage(format!(
            "shard {} of {count} is missing",
            k + 1
        )));
    }
    let out = out.unwrap_or_else(|| {
        first_dir
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    {
        let _lock = super::outdir::lock(&out)?;
        let entries = std::fs::read_dir(&out).map_err(|io| Error::Read {
            path: out.clone(),
            io,
        })?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if name == super::outdir::LOCK_FILE || shards.iter().any(|(d, _)| d == &path) {
                continue;
            }
            if !FILES.contains(&name.as_str()) && !force {
                return Err(Error::Usage(format!(
                    "{} holds {name}, which is not a result of forceplan optimise; choose another --out or add --force",
                    out.display()
                )));
            }
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|io| Error::Write { path, io })?;
        }
        let run = RunFile {
            shard: None,
            complete: false,
            ..first.clone()
        };
        let internal = |e: serde_json::Error| Error::Internal(e.to_string());
        atomic_write(
            &out.join("run.json"),
            &serde_json::to_vec_pretty(&run).map_err(internal)?,
        )?;
        atomic_write(
            &out.join("journal.json"),
            &serde_json::to_vec(&to_journal(&journal)).map_err(internal)?,
        )?;
    }
    let req = OptimiseRequest {
        resume: Some(out),
        plots: true,
        ..OptimiseRequest::default()
    };
    let done = run_optimise(&req, progress, &AtomicBool::new(false))?;
    Ok(Some((done, shards.len())))
}
