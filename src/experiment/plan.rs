//! What an experiment simulates: one or more *variants* of a scenario (a run has one, a
//! comparison one per force option, a sweep one per design point), each replicated with the
//! same seeds, and the input files they came from.
//!
//! Study and sweep files are parsed and validated by [`crate::scenario::study`] and
//! [`crate::scenario::sweep`]; this module turns the validated files into a [`Plan`] of
//! variants, with the design points of a sweep.

use crate::error::{Error, Result};
use crate::metrics::scope::{ScopedKpi, syntax_problem};
use crate::model::Prepared;
use crate::scenario::Scenario;
use crate::scenario::change::RawChange;
use crate::scenario::study::Study;
use crate::scenario::sweep::{RawDesign, RawFactor, Sweep};
use crate::scenario::{Problems, Source, fnv1a};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

pub use crate::scenario::inputs::Inputs;
pub use crate::scenario::sweep::MAX_POINTS;

/// KPI ranked and used for `--precision` unless a study names another.
pub const DEFAULT_KPI: &str = "response_time_p90_h";
/// Name of a sweep's baseline variant: its base scenario, run after the design points with
/// the same replications, so that each point is compared with it pair by pair.
pub const SWEEP_BASELINE: &str = "baseline";
/// Invalid design points whose problems are listed; the rest are only counted.
pub const MAX_INVALID_POINTS_REPORTED: usize = 20;

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
    /// Warm-up override \[days\] (`--warm-up-days`): KPIs of every variant start there.
    pub warm_up_days: Option<f64>,
    /// Horizon override \[days\] (`--horizon-days`): every variant runs this long.
    pub horizon_days: Option<f64>,
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
    /// KPI ranked and used for `--precision`, possibly scoped (`kpi[type=…]`).
    pub kpi: ScopedKpi,
    /// Sweep factors.
    pub factors: Vec<Factor>,
    /// Sweep design (`grid`, `latin-hypercube` or `nolh`).
    pub design: String,
}

impl Plan {
    /// The variant of a sweep's base scenario (the last, after the design points), if any.
    pub fn sweep_baseline(&self) -> Option<usize> {
        (self.kind == Kind::Sweep)
            .then(|| self.variants.len().checked_sub(1))
            .flatten()
            .filter(|&i| self.variants[i].name == SWEEP_BASELINE)
    }

    /// A sweep's design points (every variant but its baseline); every variant otherwise.
    pub fn points(&self) -> &[Variant] {
        &self.variants[..self.sweep_baseline().unwrap_or(self.variants.len())]
    }

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
                self.seed,
                self.replications,
                self.kpi.name()
            )
            .as_bytes(),
        );
        if let Some(days) = self.params.horizon_days {
            bytes.extend_from_slice(format!("\0horizon_days={days}").as_bytes());
        }
        if let Some(days) = self.params.warm_up_days {
            bytes.extend_from_slice(format!("\0warm_up_days={days}").as_bytes());
        }
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

/// The replications and the (scoped) KPI, its type, sector and nation ids looked up in `sc`.
fn check_params(
    params: &Params,
    default_reps: u64,
    kpi: Option<&str>,
    sc: &Scenario,
) -> Result<(u64, ScopedKpi)> {
    let reps = params.replications.unwrap_or(default_reps);
    if reps == 0 {
        return Err(Error::Usage("--replications must be at least 1".into()));
    }
    let name = params.kpi.as_deref().or(kpi).unwrap_or(DEFAULT_KPI);
    let k = ScopedKpi::parse(name, sc).map_err(Error::Usage)?;
    Ok((reps, k))
}

/// What is wrong with the KPI name a study or sweep file gives, if anything (its syntax,
/// KPI and scope keys; ids are looked up once the scenario is known).
fn kpi_problem(name: &str) -> Option<String> {
    syntax_problem(name)
}

/// The changes the command-line parameters make to the base scenario.
fn overrides(params: &Params) -> Vec<RawChange> {
    params
        .seed
        .map(RawChange::SetSeed)
        .into_iter()
        .chain(params.horizon_days.map(RawChange::SetHorizonDays))
        .chain(params.warm_up_days.map(RawChange::SetWarmUpDays))
        .collect()
}

fn load_run(file: &str, mut inputs: Inputs, params: Params) -> Result<Plan> {
    let text = inputs.read(file)?;
    let sc = Source::parse(&text, file)?
        .changed(&overrides(&params))?
        .validate()?;
    let (replications, kpi) = check_params(&params, u64::from(sc.replications), None, &sc)?;
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

fn load_study(file: &str, mut inputs: Inputs, params: Params) -> Result<Plan> {
    let study = Study::load(file, &mut inputs, &overrides(&params), &kpi_problem)?;
    let default_reps = u64::from(study.replications().unwrap_or(study.base().replications));
    let (replications, kpi) = check_params(&params, default_reps, study.kpi(), study.base())?;
    let (name, description) = (study.name().to_string(), study.description().to_string());
    let named_baseline = study.baseline_option().map(str::to_string);
    let (base, options) = study.into_scenarios();
    let seed = base.seed;
    let mut variants = vec![Variant {
        name: "baseline".into(),
        description: "the base scenario as written".into(),
        prepared: Prepared::new(base),
        factors: vec![],
    }];
    for o in options {
        let (name, description, sc) = o.into_parts();
        variants.push(Variant {
            name,
            description,
            prepared: Prepared::new(sc),
            factors: vec![],
        });
    }
    // A named baseline (issue 12) goes first, the base scenario as written after it.
    if let Some(b) = named_baseline
        && let Some(i) = variants.iter().position(|v| v.name == b)
    {
        let chosen = variants.remove(i);
        variants[0].name = crate::scenario::study::BASE_SCENARIO.into();
        variants.insert(0, chosen);
    }
    Ok(Plan {
        kind: Kind::Compare,
        name,
        description,
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
        RawDesign::Nolh { stack } => {
            // The sweep was validated, so the design exists.
            let rows = super::nolh::levels(factors.len(), *stack).unwrap_or_default();
            let n = super::nolh::table_size(factors.len()).map_or(1, |(runs, _)| runs);
            rows.iter()
                .map(|row| {
                    factors
                        .iter()
                        .zip(row)
                        .map(|(f, &l)| {
                            let x = super::nolh::scale(l, n, f.min, f.max);
                            if f.target.is_integer() { x.round() } else { x }
                        })
                        .collect()
                })
                .collect()
        }
    }
}

fn load_sweep(file: &str, mut inputs: Inputs, params: Params) -> Result<Plan> {
    let sweep = Sweep::load(file, &mut inputs, &overrides(&params), &kpi_problem)?;
    let seed = sweep.base().seed;
    let mut pr = Problems::new();
    let points = design_points(sweep.factors(), sweep.design());
    let mut variants = Vec::with_capacity(points.len());
    let mut invalid_points = 0usize;
    for (k, values) in points.iter().enumerate() {
        if invalid_points >= MAX_INVALID_POINTS_REPORTED {
            invalid_points += 1;
            continue;
        }
        let label: Vec<String> = sweep
            .factors()
            .iter()
            .zip(values)
            .map(|(f, v)| format!("{}={v}", f.name))
            .collect();
        let what = format!("design point {k} ({})", label.join(", "));
        if let Some(sc) = sweep.point(values, &what, &mut pr) {
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
            "design",
            format!(
                "{} more design points are invalid (only the first {MAX_INVALID_POINTS_REPORTED} are listed)",
                invalid_points - MAX_INVALID_POINTS_REPORTED
            ),
        );
    }
    pr.finish(sweep.file(), sweep.text())?;
    // The base scenario runs too, after the points, so that each point has paired
    // differences against it (common random numbers: same replications, same streams).
    if !variants.is_empty() {
        variants.push(Variant {
            name: SWEEP_BASELINE.into(),
            description: "the sweep's base scenario, no factor applied".into(),
            prepared: Prepared::new(sweep.base().clone()),
            factors: vec![],
        });
    }
    let default_reps = u64::from(sweep.replications().unwrap_or(sweep.base().replications));
    let (replications, kpi) = check_params(&params, default_reps, sweep.kpi(), sweep.base())?;
    Ok(Plan {
        kind: Kind::Sweep,
        name: sweep.name().to_string(),
        description: sweep.description().to_string(),
        main_file: file.to_string(),
        inputs,
        params,
        variants,
        seed,
        replications,
        kpi,
        factors: sweep
            .factors()
            .iter()
            .map(|f| Factor {
                name: f.name.clone(),
                target: format!("{:?}", f.target),
                min: f.min,
                max: f.max,
            })
            .collect(),
        design: match sweep.design() {
            RawDesign::Grid => "grid".into(),
            RawDesign::LatinHypercube { .. } => "latin-hypercube".into(),
            RawDesign::Nolh { .. } => "nolh".into(),
        },
    })
}
