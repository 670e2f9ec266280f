//! Common random numbers: two scenarios that differ only in the force see exactly the same
//! violations (time, place, type) in every replication.

use forceplan::metrics::{SimOptions, replicate};
use forceplan::model::Prepared;
use forceplan::scenario::Source;
use forceplan::scenario::change::RawChange;

#[test]
fn force_options_see_identical_violation_streams() {
    let src = Source::read(&crate::common::repo("scenarios/tutorial.ron")).unwrap();
    let base = src.validate().unwrap();
    // Option: double every contingent and move them all to the first base (typed changes:
    // a validated scenario is read-only).
    let first_base = src.raw().bases[0].id.clone();
    let changes: Vec<RawChange> = src
        .raw()
        .contingents
        .iter()
        .flat_map(|c| {
            [
                RawChange::SetUnits {
                    contingent: c.id.clone(),
                    units: c.units * 2,
                },
                RawChange::MoveContingent {
                    contingent: c.id.clone(),
                    to: first_base.clone(),
                },
            ]
        })
        .collect();
    let option = src.changed(&changes).unwrap().validate().unwrap();
    let (pa, pb) = (Prepared::new(base), Prepared::new(option));
    for rep in 0..3 {
        let opts = SimOptions {
            trace: true,
            timeline: false,
        };
        let (a, b) = (replicate(&pa, rep, opts), replicate(&pb, rep, opts));
        let (ra, ta, rb, tb) = (a.result, a.trace, b.result, b.trace);
        let key = |t: &Vec<forceplan::metrics::ViolationRecord>| {
            let mut v: Vec<_> = t
                .iter()
                .map(|r| {
                    (
                        r.id,
                        r.occurred,
                        r.sector,
                        r.vtype,
                        r.pos.lat.to_bits(),
                        r.pos.lon.to_bits(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let (ka, kb) = (key(ta.as_ref().unwrap()), key(tb.as_ref().unwrap()));
        assert!(!ka.is_empty());
        assert_eq!(
            ka, kb,
            "replication {rep}: violations differ between force options"
        );
        // The force change does change the response.
        assert_ne!(
            ra.kpis.get(forceplan::metrics::Kpi::ResponseTimeMeanH),
            rb.kpis.get(forceplan::metrics::Kpi::ResponseTimeMeanH)
        );
    }
}
