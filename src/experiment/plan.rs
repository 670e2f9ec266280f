//! What an experiment simulates: one or more *variants* of a scenario (a run has one, a
//! comparison one per force option, a sweep one per design point), each replicated with the
//! same seeds, and the input files they came from.
//!
//! Study and sweep files are parsed into raw serde types and validated into a [`Plan`], with
//! every problem reported at once, located in the file where it was written.

use crate::error::{Diagnostic, Error, Result};
use crate::metrics::{KPI_NAMES, kpi_index};
use crate::model::Prepared;
use crate::scenario::change::{RawChange, RawFactorTarget};
use crate::scenario::raw::RawScenario;
use crate::scenario::span::SpanIndex;
use crate::scenario::{self, fnv1a};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// KPI ranked and used for `--precision` unless a study names another.
pub const DEFAULT_KPI: &str = "response_time_p90_h";
/// Most design points a sweep may have.
pub const MAX_POINTS: usize = 10_000;
/// Invalid design points whose problems are listed; the rest are only counted.
pub const MAX_INVALID_POINTS_REPORTED: usize = 20;

/// The texts of every input file, by the path used to read it, in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    files: Vec<(String, String)>,
    /// When set, files are only looked up here (merging shards), never read from disk.
    sealed: bool,
}

impl Inputs {
    /// Inputs that read files from disk as they are needed.
    pub fn from_disk() -> Self {
        Inputs::default()
    }

    /// Inputs that only serve the given files (as recorded in a shard).
    pub fn sealed(files: Vec<(String, String)>) -> Self {
        Inputs {
            files,
            sealed: true,
        }
    }

    /// Every file read, in order.
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }

    /// The text of `path`, read once.
    pub fn read(&mut self, path: &str) -> Result<String> {
        if let Some((_, t)) = self.files.iter().find(|(p, _)| p == path) {
            return Ok(t.clone());
        }
        if self.sealed {
            return Err(Error::Read {
                path: PathBuf::from(path),
                io: std::io::Error::other("not among the inputs recorded in the shard"),
            });
        }
        let text = scenario::read_text(Path::new(path))?;
        self.files.push((path.to_string(), text.clone()));
        Ok(text)
    }
}

/// What kind of experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `forceplan run`.
    Run,
    /// `forceplan compare`.
    Compare,
    /// `forceplan sweep`.
    Sweep,
}

impl Kind {
    /// Lower-case name.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Compare => "compare",
            Kind::Sweep => "sweep",
        }
    }

    /// Parses [`Kind::key`].
    pub fn from_key(s: &str) -> Option<Kind> {
        [Kind::Run, Kind::Compare, Kind::Sweep]
            .into_iter()
            .find(|k| k.key() == s)
    }
}

/// One configuration that is replicated.
#[derive(Debug)]
pub struct Variant {
    /// Option name (`baseline` for the base), or `point-<k>` for a design point.
    pub name: String,
    /// What it changes.
    pub description: String,
    /// The prepared scenario.
    pub prepared: Prepared,
    /// Factor values of a design point, in [`Plan::factors`] order.
    pub factors: Vec<f64>,
}

/// A factor of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Name.
    pub name: String,
    /// What it sets, as written (e.g. `Units("pol-qrf-1")`).
    pub target: String,
    /// Lower end.
    pub min: f64,
    /// Upper end.
    pub max: f64,
}

/// Parameters set on the command line that change results.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Seed override.
    pub seed: Option<u64>,
    /// Replications override.
    pub replications: Option<u64>,
    /// KPI override.
    pub kpi: Option<String>,
}

/// A validated experiment.
#[derive(Debug)]
pub struct Plan {
    /// Kind.
    pub kind: Kind,
    /// Name (scenario, study or sweep name): the default output directory.
    pub name: String,
    /// Description of the study or sweep.
    pub description: String,
    /// The file given on the command line.
    pub main_file: String,
    /// Every input file's text.
    pub inputs: Inputs,
    /// Command-line parameters.
    pub params: Params,
    /// Variants; for a comparison the first is the baseline.
    pub variants: Vec<Variant>,
    /// Master seed.
    pub seed: u64,
    /// Replications per variant.
    pub replications: u64,
    /// KPI ranked (index into [`KPI_NAMES`]).
    pub kpi: usize,
    /// Sweep factors.
    pub factors: Vec<Factor>,
    /// Sweep design (`grid` or `latin-hypercube`).
    pub design: String,
}

impl Plan {
    /// Hash of everything that determines the results: kind, input texts, parameters.
    pub fn input_hash(&self) -> u64 {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(self.kind.key().as_bytes());
        for (_, text) in self.inputs.files() {
            bytes.push(0);
            bytes.extend_from_slice(text.as_bytes());
        }
        bytes.extend_from_slice(
            format!(
                "\0{}\0{}\0{}",
                self.seed, self.replications, KPI_NAMES[self.kpi]
            )
            .as_bytes(),
        );
        fnv1a(&bytes)
    }

    /// Builds the plan of `kind` from the file `main_file`.
    pub fn load(kind: Kind, main_file: &str, inputs: Inputs, params: Params) -> Result<Plan> {
        match kind {
            Kind::Run => load_run(main_file, inputs, params),
            Kind::Compare => load_study(main_file, inputs, params),
            Kind::Sweep => load_sweep(main_file, inputs, params),
        }
    }
}

fn check_params(params: &Params, default_reps: u64, kpi: Option<&str>) -> Result<(u64, usize)> {
    let reps = params.replications.unwrap_or(default_reps);
    if reps == 0 {
        return Err(Error::Usage("--replications must be at least 1".into()));
    }
    let name = params.kpi.as_deref().or(kpi).unwrap_or(DEFAULT_KPI);
    let k = kpi_index(name).ok_or_else(|| Error::Usage(unknown_kpi(name)))?;
    Ok((reps, k))
}

/// The message for a KPI name that does not exist.
fn unknown_kpi(name: &str) -> String {
    format!(
        "unknown KPI \"{name}\"; expected one of: {}",
        KPI_NAMES.join(", ")
    )
}

/// Reports the `kpi` field of a study or sweep file if it names no KPI.
fn check_kpi_field(kpi: Option<&String>, pr: &mut Problems) {
    if let Some(k) = kpi
        && kpi_index(k).is_none()
    {
        pr.add("kpi".into(), unknown_kpi(k));
    }
}

fn load_run(file: &str, mut inputs: Inputs, params: Params) -> Result<Plan> {
    let text = inputs.read(file)?;
    let mut sc = scenario::from_str(&text, file)?;
    if let Some(s) = params.seed {
        sc.seed = s;
    }
    let (replications, kpi) = check_params(&params, u64::from(sc.replications), None)?;
    Ok(Plan {
        kind: Kind::Run,
        name: sc.name.clone(),
        description: sc.description.clone(),
        main_file: file.to_string(),
        inputs,
        seed: sc.seed,
        params,
        replications,
        kpi,
        variants: vec![Variant {
            name: "baseline".into(),
            description: "the scenario as written".into(),
            prepared: Prepared::new(sc),
            factors: vec![],
        }],
        factors: vec![],
        design: String::new(),
    })
}

/// A force option of a study.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "ForceOption")]
pub struct RawForceOption {
    /// Short name (a directory name in the output).
    pub name: String,
    /// What the option does, for the report.
    #[serde(default)]
    pub description: String,
    /// Changes to the base scenario.
    pub changes: Vec<RawChange>,
}

/// A study file: a base scenario and force options to compare with it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Study")]
pub struct RawStudy {
    /// Name.
    pub name: String,
    /// Question the study answers.
    #[serde(default)]
    pub description: String,
    /// Base scenario file, relative to the study file.
    pub scenario: String,
    /// Replications per option (default: the scenario's).
    #[serde(default)]
    pub replications: Option<u32>,
    /// KPI to rank by (default `response_time_p90_h`).
    #[serde(default)]
    pub kpi: Option<String>,
    /// Options; the base is always compared as `baseline`.
    pub options: Vec<RawForceOption>,
}

/// Collects located problems in one file.
struct Problems {
    file: String,
    spans: SpanIndex,
    list: Vec<Diagnostic>,
}

impl Problems {
    fn new(file: &str, text: &str) -> Self {
        Problems {
            file: file.to_string(),
            spans: SpanIndex::build(text),
            list: Vec::new(),
        }
    }

    fn add(&mut self, path: String, message: String) {
        self.list.push(Diagnostic {
            file: self.file.clone(),
            at: self.spans.find(&path),
            path,
            message,
        });
    }

    fn finish(self) -> Result<()> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid {
                problems: self.list,
            })
        }
    }
}

/// The path of a file named relative to `from`'s directory.
fn relative(from: &str, name: &str) -> String {
    let dir = Path::new(from).parent().unwrap_or(Path::new(""));
    dir.join(name).to_string_lossy().into_owned()
}

fn is_dir_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !s.starts_with('.')
}

/// Applies `changes` to a copy of `base` and validates the result; problems are reported at
/// `at` (a path in the study or sweep file) with the scenario's own path in the message.
fn variant_scenario(
    base: &RawScenario,
    base_text: &str,
    changes: &[(String, &RawChange)],
    what: &str,
    pr: &mut Problems,
) -> Option<scenario::Scenario> {
    let mut raw = base.clone();
    let mut ok = true;
    for (path, ch) in changes {
        if let Err(e) = ch.apply(&mut raw) {
            let p = if e.field.is_empty() {
                path.clone()
            } else {
                format!("{path}.{}", e.field)
            };
            pr.add(p, e.message);
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    match scenario::validate::check(&raw, base_text) {
        Ok(sc) => Some(sc),
        Err(problems) => {
            let at = changes.first().map_or(String::new(), |(p, _)| {
                p.rsplit_once('[').map_or(p.clone(), |(a, _)| a.to_string())
            });
            for (path, message) in problems {
                let place = if path.is_empty() {
                    String::new()
                } else {
                    format!("{path}: ")
                };
                pr.add(
                    at.clone(),
                    format!(
                        "after the changes of {what} the scenario is invalid: {place}{message}"
                    ),
                );
            }
            None
        }
    }
}

fn load_study(file: &str, mut inputs: Inputs, params: Params) -> Result<Plan> {
    let text = inputs.read(file)?;
    let study: RawStudy = scenario::parse_ron(&text, file)?;
    let base_file = relative(file, &study.scenario);
    let base_text = inputs.read(&base_file).map_err(|e| match e {
        Error::Read { io, .. } => Error::Invalid {
            problems: vec![Diagnostic {
                file: file.into(),
                at: SpanIndex::build(&text).find("scenario"),
                path: "scenario".into(),
                message: format!("cannot read the base scenario {base_file}: {io}"),
            }],
        },
        e => e,
    })?;
    let base_raw: RawScenario = scenario::parse_ron(&base_text, &base_file)?;
    let mut base = scenario::validate::validate(&base_raw, &base_text, &base_file)?;
    let seed = params.seed.unwrap_or(base.seed);
    base.seed = seed;
    let mut pr = Problems::new(file, &text);
    if study.options.is_empty() {
        pr.add(
            "options".into(),
            "a study needs at least one option to compare with the baseline".into(),
        );
    }
    let mut names = vec!["baseline".to_string()];
    let mut variants = vec![Variant {
        name: "baseline".into(),
        description: "the base scenario as written".into(),
        prepared: Prepared::new(base.clone()),
        factors: vec![],
    }];
    for (i, o) in study.options.iter().enumerate() {
        if !is_dir_name(&o.name) {
            pr.add(format!("options[{i}].name"), format!("option name \"{}\" must be letters, digits, '-', '_' or '.' (it names a directory)", o.name));
        } else if names.contains(&o.name) {
            pr.add(
                format!("options[{i}].name"),
                format!(
                    "duplicate option name \"{}\" (\"baseline\" is the base scenario)",
                    o.name
                ),
            );
        }
        names.push(o.name.clone());
        let changes: Vec<(String, &RawChange)> = o
            .changes
            .iter()
            .enumerate()
            .map(|(j, c)| (format!("options[{i}].changes[{j}]"), c))
            .collect();
        if changes.is_empty() {
            pr.add(
                format!("options[{i}].changes"),
                "an option needs at least one change".into(),
            );
            continue;
        }
        if let Some(mut sc) = variant_scenario(
            &base_raw,
            &base_text,
            &changes,
            &format!("option \"{}\"", o.name),
            &mut pr,
        ) {
            sc.seed = seed;
            variants.push(Variant {
                name: o.name.clone(),
                description: o.description.clone(),
                prepared: Prepared::new(sc),
                factors: vec![],
            });
        }
    }
    check_kpi_field(study.kpi.as_ref(), &mut pr);
    pr.finish()?;
    let default_reps = u64::from(study.replications.unwrap_or(base.replications));
    let (replications, kpi) = check_params(&params, default_reps, study.kpi.as_deref())?;
    Ok(Plan {
        kind: Kind::Compare,
        name: study.name.clone(),
        description: study.description.clone(),
        main_file: file.to_string(),
        inputs,
        params,
        variants,
        seed,
        replications,
        kpi,
        factors: vec![],
        design: String::new(),
    })
}

/// What a sweep starts from.
#[derive(Debug, Clone, Deserialize)]
pub enum RawSweepBase {
    /// A scenario file, relative to the sweep file.
    Scenario(String),
    /// An option of a study file (relative to the sweep file): its base with its changes.
    StudyOption {
        /// Study file.
        study: String,
        /// Option name.
        option: String,
    },
}

/// A factor of a sweep.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Factor")]
pub struct RawFactor {
    /// Name (a column in the output).
    pub name: String,
    /// The numeric field it sets.
    pub target: RawFactorTarget,
    /// Lower end of the range.
    pub min: f64,
    /// Upper end of the range.
    pub max: f64,
    /// Levels in a grid design (default 5; whole-number targets may get fewer).
    #[serde(default)]
    pub levels: Option<u32>,
}

/// The design of a sweep.
#[derive(Debug, Clone, Deserialize)]
pub enum RawDesign {
    /// Full factorial grid over every factor's levels.
    Grid,
    /// Latin hypercube with `points` points, drawn with `seed`.
    LatinHypercube {
        /// Number of points.
        points: u32,
        /// Seed of the design (not of the simulation).
        seed: u64,
    },
}

/// A sweep file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Sweep")]
pub struct RawSweep {
    /// Name.
    pub name: String,
    /// Question the sweep answers.
    #[serde(default)]
    pub description: String,
    /// What it starts from.
    pub base: RawSweepBase,
    /// Replications per design point (default: the scenario's).
    #[serde(default)]
    pub replications: Option<u32>,
    /// KPI the sweep is about (default `response_time_p90_h`).
    #[serde(default)]
    pub kpi: Option<String>,
    /// Factors.
    pub factors: Vec<RawFactor>,
    /// Design.
    pub design: RawDesign,
}

/// The levels of each factor in a grid, whole numbers for integer targets.
fn grid_levels(f: &RawFactor) -> Vec<f64> {
    let n = f.levels.unwrap_or(5).max(1);
    let mut v: Vec<f64> = (0..n)
        .map(|i| {
            if n == 1 {
                f.min
            } else {
                f.min + (f.max - f.min) * f64::from(i) / f64::from(n - 1)
            }
        })
        .map(|x| if f.target.is_integer() { x.round() } else { x })
        .collect();
    v.dedup();
    v
}

/// Points of a design, each a value per factor.
fn design_points(factors: &[RawFactor], design: &RawDesign) -> Vec<Vec<f64>> {
    match design {
        RawDesign::Grid => {
            let mut points: Vec<Vec<f64>> = vec![vec![]];
            for f in factors {
                let levels = grid_levels(f);
                points = points
                    .iter()
                    .flat_map(|p| levels.iter().map(move |&l| [p.clone(), vec![l]].concat()))
                    .collect();
            }
            points
        }
        RawDesign::LatinHypercube { points, seed } => {
            let n = *points as usize;
            let mut rng = ChaCha8Rng::seed_from_u64(*seed);
            let columns: Vec<Vec<f64>> = factors
                .iter()
                .map(|f| {
                    let mut strata: Vec<usize> = (0..n).collect();
                    for i in (1..n).rev() {
                        let j = rng.random_range(0..=i);
                        strata.swap(i, j);
                    }
                    strata
                        .iter()
                        .map(|&s| {
                            let x = f.min
                                + (f.max - f.min) * (s as f64 + rng.random::<f64>()) / n as f64;
                            if f.target.is_integer() { x.round() } else { x }
                        })
                        .collect()
                })
                .collect();
            (0..n)
                .map(|i| columns.iter().map(|c| c[i]).collect())
                .collect()
        }
    }
}

fn load_sweep(file: &str, mut inputs: Inputs, params: Params) -> Result<Plan> {
    let text = inputs.read(file)?;
    let sweep: RawSweep = scenario::parse_ron(&text, file)?;
    let mut pr = Problems::new(file, &text);
    // The base: a scenario, or a study option's scenario and changes.
    let (base_file, base_changes): (String, Vec<RawChange>) = match &sweep.base {
        RawSweepBase::Scenario(s) => (relative(file, s), vec![]),
        RawSweepBase::StudyOption { study, option } => {
            let sfile = relative(file, study);
            let stext = inputs.read(&sfile)?;
            let st: RawStudy = scenario::parse_ron(&stext, &sfile)?;
            match st.options.iter().find(|o| &o.name == option) {
                Some(o) => (relative(&sfile, &st.scenario), o.changes.clone()),
                None => {
                    let known: Vec<String> = st
                        .options
                        .iter()
                        .map(|o| format!("\"{}\"", o.name))
                        .collect();
                    pr.add(
                        "base.option".into(),
                        format!(
                            "study {sfile} has no option \"{option}\"; expected one of: {}",
                            known.join(", ")
                        ),
                    );
                    return Err(Error::Invalid { problems: pr.list });
                }
            }
        }
    };
    let base_text = inputs.read(&base_file)?;
    let base_raw: RawScenario = scenario::parse_ron(&base_text, &base_file)?;
    let base = scenario::validate::validate(&base_raw, &base_text, &base_file)?;
    let seed = params.seed.unwrap_or(base.seed);
    if sweep.factors.is_empty() {
        pr.add("factors".into(), "a sweep needs at least one factor".into());
    }
    for (i, f) in sweep.factors.iter().enumerate() {
        if !(f.min.is_finite() && f.max.is_finite() && f.min <= f.max) {
            pr.add(
                format!("factors[{i}]"),
                format!(
                    "expected finite min ≤ max, got min {} and max {}",
                    f.min, f.max
                ),
            );
        }
        if sweep.factors[..i].iter().any(|g| g.name == f.name) || f.name.is_empty() {
            pr.add(
                format!("factors[{i}].name"),
                format!(
                    "factor names must be unique and not empty, got \"{}\"",
                    f.name
                ),
            );
        }
        if f.levels == Some(0) {
            pr.add(
                format!("factors[{i}].levels"),
                "a grid needs at least 1 level".into(),
            );
        }
    }
    if let RawDesign::LatinHypercube { points, .. } = sweep.design
        && points == 0
    {
        pr.add(
            "design".into(),
            "a Latin hypercube needs at least 1 point".into(),
        );
    }
    check_kpi_field(sweep.kpi.as_ref(), &mut pr);
    let n_points: f64 = match sweep.design {
        RawDesign::Grid => sweep
            .factors
            .iter()
            .map(|f| f64::from(f.levels.unwrap_or(5).max(1)))
            .product(),
        RawDesign::LatinHypercube { points, .. } => f64::from(points),
    };
    if n_points > MAX_POINTS as f64 {
        pr.add(
            "design".into(),
            format!("{n_points} design points exceed the limit of {MAX_POINTS}"),
        );
    }
    pr.finish()?;
    let mut pr = Problems::new(file, &text);
    let points = design_points(&sweep.factors, &sweep.design);
    let mut variants = Vec::with_capacity(points.len());
    let mut invalid_points = 0usize;
    for (k, values) in points.iter().enumerate() {
        let mut changes: Vec<(String, RawChange)> = base_changes
            .iter()
            .map(|c| ("base".to_string(), c.clone()))
            .collect();
        for (i, (f, v)) in sweep.factors.iter().zip(values).enumerate() {
            changes.push((format!("factors[{i}].target"), f.target.change(*v)));
        }
        if invalid_points >= MAX_INVALID_POINTS_REPORTED {
            invalid_points += 1;
            continue;
        }
        let refs: Vec<(String, &RawChange)> = changes.iter().map(|(p, c)| (p.clone(), c)).collect();
        let label: Vec<String> = sweep
            .factors
            .iter()
            .zip(values)
            .map(|(f, v)| format!("{}={v}", f.name))
            .collect();
        if let Some(mut sc) = variant_scenario(
            &base_raw,
            &base_text,
            &refs,
            &format!("design point {k} ({})", label.join(", ")),
            &mut pr,
        ) {
            sc.seed = seed;
            variants.push(Variant {
                name: format!("point-{k}"),
                description: label.join(", "),
                prepared: Prepared::new(sc),
                factors: values.clone(),
            });
        } else {
            invalid_points += 1;
        }
    }
    if invalid_points > MAX_INVALID_POINTS_REPORTED {
        pr.add(
            "design".into(),
            format!(
                "{} more design points are invalid (only the first {MAX_INVALID_POINTS_REPORTED} are listed)",
                invalid_points - MAX_INVALID_POINTS_REPORTED
            ),
        );
    }
    pr.finish()?;
    let default_reps = u64::from(sweep.replications.unwrap_or(base.replications));
    let (replications, kpi) = check_params(&params, default_reps, sweep.kpi.as_deref())?;
    Ok(Plan {
        kind: Kind::Sweep,
        name: sweep.name.clone(),
        description: sweep.description.clone(),
        main_file: file.to_string(),
        inputs,
        params,
        variants,
        seed,
        replications,
        kpi,
        factors: sweep
            .factors
            .iter()
            .map(|f| Factor {
                name: f.name.clone(),
                target: format!("{:?}", f.target),
                min: f.min,
                max: f.max,
            })
            .collect(),
        design: match sweep.design {
            RawDesign::Grid => "grid".into(),
            RawDesign::LatinHypercube { .. } => "latin-hypercube".into(),
        },
    })
}
