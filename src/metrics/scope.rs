//! Scoped KPI names: a [`Kpi`] over the theatre or over a part of it, written
//! `response_time_p90_h[type=land-incursion]`, `within_target_share[sector=crimea-approaches]`,
//! `queue_wait_mean_h[domain=sea]`, `utilisation[nation=POL]` or
//! `response_time_p90_h[type=X,sector=Y]`; parsed into a [`ScopedKpi`] and evaluated on a
//! replication's results wherever a KPI is named (ranking, `--precision`, sweeps).

use super::{Kpi, ReplicationResult, SECTOR_KPIS, sector_type_pairs};
use crate::scenario::{Domain, Scenario};

/// The part of the theatre a KPI is taken over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole theatre.
    Theatre,
    /// One domain.
    Domain(Domain),
    /// One nation's units (index into the scenario's nations).
    Nation(usize),
    /// One violation type (index into the scenario's types).
    Type(usize),
    /// One sector (index into the scenario's sectors).
    Sector(usize),
    /// One (sector, type) pair: its index in [`sector_type_pairs`].
    SectorType(usize),
}

/// A KPI over a [`Scope`], with the name it was given in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedKpi {
    /// The KPI.
    pub kpi: Kpi,
    /// Over what.
    pub scope: Scope,
    /// `kpi` or `kpi[key=value,…]`, keys in the order type, sector, domain, nation.
    name: String,
}

/// Scope keys, in canonical order.
pub const SCOPE_KEYS: [&str; 4] = ["type", "sector", "domain", "nation"];

/// The KPIs a nation scope supports (the per-nation figures that are KPIs).
pub const NATION_KPIS: [Kpi; 2] = [Kpi::ResponseTimeMeanH, Kpi::Utilisation];

/// Whether KPI `k` is defined over one violation type or one (sector, type) pair: not the
/// figures of units or orbits.
fn per_type(k: Kpi) -> bool {
    !matches!(
        k,
        Kpi::Utilisation | Kpi::IsrCoverageShare | Kpi::QueueLengthMean
    )
}

fn names(ks: impl IntoIterator<Item = Kpi>) -> String {
    ks.into_iter().map(Kpi::name).collect::<Vec<_>>().join(", ")
}

/// Every KPI name, comma-separated (for messages and `--help`).
pub fn kpi_list() -> String {
    names(Kpi::ALL)
}

/// The text before `[` and the `key=value` pairs inside, checked for syntax, known KPI and
/// keys, and supported combinations; ids are not looked up.
/// `key=value` pairs of a scope.
type Pairs<'a> = Vec<(&'a str, &'a str)>;

fn split(text: &str) -> Result<(Kpi, Pairs<'_>), String> {
    let (name, rest) = match text.find('[') {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let kpi = Kpi::from_name(name.trim()).ok_or_else(|| {
        format!(
            "unknown KPI \"{}\"; expected one of: {}",
            name.trim(),
            kpi_list()
        )
    })?;
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(rest) = rest {
        let inner = rest.strip_suffix(']').ok_or_else(|| {
            format!("KPI \"{text}\": a scope is written [key=value,…] and closes with ]")
        })?;
        for part in inner.split(',') {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                format!(
                    "KPI \"{text}\": scope \"{part}\" is not key=value (keys: {})",
                    SCOPE_KEYS.join(", ")
                )
            })?;
            let (k, v) = (k.trim(), v.trim());
            if !SCOPE_KEYS.contains(&k) {
                return Err(format!(
                    "KPI \"{text}\": unknown scope key \"{k}\"; expected one of: {}",
                    SCOPE_KEYS.join(", ")
                ));
            }
            if pairs.iter().any(|(x, _)| *x == k) {
                return Err(format!("KPI \"{text}\": scope key \"{k}\" given twice"));
            }
            pairs.push((k, v));
        }
    }
    pairs.sort_by_key(|(k, _)| SCOPE_KEYS.iter().position(|x| x == k));
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
    let supported: Vec<Kpi> = match keys.as_slice() {
        [] | ["domain"] => Kpi::ALL.to_vec(),
        ["type"] | ["type", "sector"] => Kpi::ALL.into_iter().filter(|k| per_type(*k)).collect(),
        ["sector"] => SECTOR_KPIS.to_vec(),
        ["nation"] => NATION_KPIS.to_vec(),
        _ => {
            return Err(format!(
                "KPI \"{text}\": scopes combine only as [type=…,sector=…]; give one of type, sector, domain or nation otherwise"
            ));
        }
    };
    if !supported.contains(&kpi) {
        return Err(format!(
            "KPI \"{text}\": {} is not measured per {}; KPIs with this scope: {}",
            kpi.name(),
            keys.join(" and "),
            names(supported)
        ));
    }
    Ok((kpi, pairs))
}

/// What is wrong with a scoped KPI name, looking at its syntax only (no scenario at hand).
pub fn syntax_problem(text: &str) -> Option<String> {
    split(text).err()
}

fn find<'a>(
    text: &str,
    key: &str,
    value: &str,
    ids: impl Iterator<Item = &'a str> + Clone,
) -> Result<usize, String> {
    ids.clone().position(|x| x == value).ok_or_else(|| {
        format!(
            "KPI \"{text}\": unknown {key} \"{value}\"; expected one of: {}",
            ids.collect::<Vec<_>>().join(", ")
        )
    })
}

impl ScopedKpi {
    /// A theatre KPI.
    pub fn theatre(kpi: Kpi) -> ScopedKpi {
        ScopedKpi {
            kpi,
            scope: Scope::Theatre,
            name: kpi.name().to_string(),
        }
    }

    /// Parses `text` against scenario `sc` (type, sector and nation ids, domain keys).
    pub fn parse(text: &str, sc: &Scenario) -> Result<ScopedKpi, String> {
        let (kpi, pairs) = split(text)?;
        let get = |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let types = || sc.violation_types.iter().map(|t| t.id.as_str());
        let sectors = || sc.sectors.iter().map(|s| s.id.as_str());
        let scope = match (get("type"), get("sector"), get("domain"), get("nation")) {
            (None, None, None, None) => Scope::Theatre,
            (Some(t), None, _, _) => Scope::Type(find(text, "type", t, types())?),
            (None, Some(s), _, _) => Scope::Sector(find(text, "sector", s, sectors())?),
            (Some(t), Some(s), _, _) => {
                let t = find(text, "type", t, types())?;
                let s = find(text, "sector", s, sectors())?;
                let pair = sector_type_pairs(sc)
                    .iter()
                    .position(|&p| p == (s, t))
                    .ok_or_else(|| {
                        format!(
                            "KPI \"{text}\": type \"{}\" does not occur in sector \"{}\" (not in its mix)",
                            sc.violation_types[t].id, sc.sectors[s].id
                        )
                    })?;
                Scope::SectorType(pair)
            }
            (None, None, Some(d), _) => Scope::Domain(
                Domain::ALL[find(text, "domain", d, Domain::ALL.iter().map(|d| d.key()))?],
            ),
            (None, None, None, Some(n)) => Scope::Nation(find(
                text,
                "nation",
                n,
                sc.nations.iter().map(|n| n.code.as_str()),
            )?),
        };
        let name = if pairs.is_empty() {
            kpi.name().to_string()
        } else {
            let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{}[{}]", kpi.name(), inner.join(","))
        };
        Ok(ScopedKpi { kpi, scope, name })
    }

    /// The canonical name, e.g. `response_time_p90_h[type=land-incursion]`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it is a theatre KPI.
    pub fn is_theatre(&self) -> bool {
        self.scope == Scope::Theatre
    }

    /// Its value in one replication (NaN where undefined).
    pub fn value(&self, r: &ReplicationResult) -> f64 {
        let k = self.kpi;
        match self.scope {
            Scope::Theatre => r.kpis[k],
            Scope::Domain(d) => r.by_domain[d.index()][k],
            Scope::Type(t) => r.by_type[t][k],
            Scope::SectorType(p) => r.by_sector_type[p][k],
            Scope::Sector(s) => SECTOR_KPIS
                .iter()
                .position(|x| *x == k)
                .map_or(f64::NAN, |i| r.by_sector[s][i]),
            Scope::Nation(n) => match k {
                Kpi::Utilisation => r.by_nation[n].utilisation,
                Kpi::ResponseTimeMeanH => r.by_nation[n].response_time_mean_h,
                _ => f64::NAN,
            },
        }
    }
}

impl std::fmt::Display for ScopedKpi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sc() -> Scenario {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/coalition-2026.ron");
        crate::scenario::load(&path).expect("shipped scenario validates")
    }

    #[test]
    fn scoped_names_parse_into_kpi_and_scope() {
        let sc = sc();
        let k = ScopedKpi::parse("response_time_p90_h[type=land-incursion]", &sc).unwrap();
        assert_eq!(k.kpi, Kpi::ResponseTimeP90H);
        assert!(matches!(k.scope, Scope::Type(t) if sc.violation_types[t].id == "land-incursion"));
        let k = ScopedKpi::parse("queue_wait_mean_h[domain=sea]", &sc).unwrap();
        assert_eq!(k.scope, Scope::Domain(Domain::Sea));
        let k = ScopedKpi::parse("utilisation[nation=POL]", &sc).unwrap();
        assert!(matches!(k.scope, Scope::Nation(_)));
        let s0 = &sc.sectors[0].id;
        let k = ScopedKpi::parse(&format!("within_target_share[sector={s0}]"), &sc).unwrap();
        assert_eq!(k.scope, Scope::Sector(0));
        // Keys in any order give one canonical name.
        let k = ScopedKpi::parse(
            &format!("response_time_p90_h[sector={s0},type=land-incursion]"),
            &sc,
        )
        .unwrap();
        assert!(matches!(k.scope, Scope::SectorType(_)));
        assert_eq!(
            k.name(),
            format!("response_time_p90_h[type=land-incursion,sector={s0}]")
        );
        assert_eq!(
            ScopedKpi::parse("utilisation", &sc).unwrap().scope,
            Scope::Theatre
        );
    }

    #[test]
    fn unknown_names_and_unsupported_scopes_are_refused_with_the_list() {
        let sc = sc();
        let e = ScopedKpi::parse("p90", &sc).unwrap_err();
        assert!(e.contains("response_time_p90_h"), "{e}");
        let e = ScopedKpi::parse("response_time_p90_h[type=nope]", &sc).unwrap_err();
        assert!(
            e.contains("unknown type \"nope\"") && e.contains("land-incursion"),
            "{e}"
        );
        let e = ScopedKpi::parse("utilisation[type=land-incursion]", &sc).unwrap_err();
        assert!(e.contains("not measured per type"), "{e}");
        let e = ScopedKpi::parse("utilisation[nation=XXX]", &sc).unwrap_err();
        assert!(e.contains("POL"), "{e}");
        let e = ScopedKpi::parse("utilisation[colour=red]", &sc).unwrap_err();
        assert!(e.contains("unknown scope key"), "{e}");
        assert!(syntax_problem("response_time_p90_h[type=x").is_some());
        assert!(syntax_problem("response_time_p90_h[domain=sea,nation=POL]").is_some());
        assert!(syntax_problem("response_time_p90_h[type=anything]").is_none());
    }
}
