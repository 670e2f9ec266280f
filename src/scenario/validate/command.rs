//! The command chain: HQ processing, dispatch and queue policies, route factors.

use super::super::problems::Problems;
use super::super::raw::*;
use super::super::*;

/// Validates the command chain.
pub(super) fn command(cx: &mut Problems, c: &RawCommand) -> Command {
    Command {
        hq_processing: cx.dist("command.hq_processing", &c.hq_processing),
        dispatch: c.dispatch,
        queue_priority: c.queue_priority,
        route_factor_land: route_factor(cx, "command.route_factor_land", c.route_factor_land),
        route_factor_sea: route_factor(cx, "command.route_factor_sea", c.route_factor_sea),
    }
}

fn route_factor(cx: &mut Problems, path: &str, f: f64) -> f64 {
    if !(f.is_finite() && (1.0..=10.0).contains(&f)) {
        cx.add(
            path,
            format!(
                "route factor must be in [1, 10] (route length over great-circle distance), got {f}"
            ),
        );
        return 1.0;
    }
    f
}
