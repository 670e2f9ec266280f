//! OCBA: optimal computing budget allocation (Chen, Lin, Yücesan & Chick 2000) for the smallest mean.
//!
//! The allocation is the one R package SPOT's `OCBA()` computes (Chen & Lee 2010, p. 49), step for
//! step, so its documented example holds exactly:
//!
//! 1. the best system `b` (smallest sample mean; every system tied with it counts as best) and the
//!    second best `s` (the next one in the order of means);
//! 2. ratios `N_s = 1`, `N_i = ((m_s − m_b) / (m_i − m_b))² · v_i / v_s` for the others, and
//!    `N_b = sqrt(v_b · Σ_{i ≠ b} N_i² / v_i)`;
//! 3. the desired totals `floor(T · N_i / Σ N)` over the active systems, `T` = everything done plus
//!    `add`; a system whose desired total is below what it already has keeps what it has, leaves the
//!    active set, and the others share what is left (`T` minus what the inactive ones have), again;
//! 4. what the floors leave over goes to the best system (of tied best ones, the one with the
//!    largest variance, the first of those).
//!
//! Systems with zero sample variance other than the best and second best get nothing, as in SPOT.
//! Where SPOT gives up (the best or second best has zero sample variance: it returns zeros) or has
//! nothing to compare (every mean equal: it gives the whole budget to system 1), this function
//! instead levels the totals: each extra replication goes to the system with the fewest so far
//! (ties to the lower index), so the result always sums to `add` and more data can separate them.

/// Extra replications to give each system (sums to `add`), given sample means, sample variances and
/// replications done, for finding the smallest mean. SPOT:
/// `ocba(&[1.2,2.1,3.4,4.87,6.05], &[3.3,2.0,4.5,5.3,6.9], &[12,6,5,5,4], 100) == [48,38,11,2,1]`.
///
/// An empty input gets an empty allocation. Panics if the slices differ in length or a mean or
/// variance is not finite, or a variance is negative (the caller's invariants).
pub fn ocba(means: &[f64], variances: &[f64], done: &[u64], add: u64) -> Vec<u64> {
    let k = means.len();
    assert!(
        variances.len() == k && done.len() == k,
        "ocba: {k} means, {} variances, {} counts",
        variances.len(),
        done.len()
    );
    assert!(
        means.iter().all(|m| m.is_finite()) && variances.iter().all(|v| v.is_finite() && *v >= 0.0),
        "ocba: means and variances must be finite, variances non-negative"
    );
    if k == 0 {
        return Vec::new();
    }
    // SPOT's order(): by mean, ties by index (stable).
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| means[a].total_cmp(&means[b]));
    let best_mean = means[order[0]];
    let n_best = means.iter().filter(|&&m| m == best_mean).count();
    if n_best == k || order[..=n_best].iter().any(|&i| variances[i] == 0.0) {
        return level(done, add);
    }
    // From here the second best exists and has a positive variance.
    let zero_var: Vec<bool> = variances.iter().map(|&v| v == 0.0).collect();
    let best = &order[..n_best];
    let second = order[n_best];

    let mut ratio = vec![0.0; k];
    ratio[second] = 1.0;
    let gap_s = means[second] - best_mean;
    for i in 0..k {
        if !best.contains(&i) && i != second && !zero_var[i] {
            let t = gap_s / (means[i] - best_mean);
            ratio[i] = t * t * variances[i] / variances[second];
        }
    }
    let temp: f64 = (0..k)
        .filter(|&i| !zero_var[i])
        .map(|i| ratio[i] * ratio[i] / variances[i])
        .sum();
    for &b in best {
        ratio[b] = (variances[b] * temp).sqrt();
    }

    let total: u64 = done.iter().sum::<u64>() + add;
    let mut active = vec![true; k];
    let mut desired = vec![0u64; k];
    let mut budget = total;
    loop {
        let ratio_sum: f64 = (0..k).filter(|&i| active[i]).map(|i| ratio[i]).sum();
        for i in (0..k).filter(|&i| active[i]) {
            desired[i] = if ratio_sum > 0.0 {
                // SPOT: floor((tempBudget / ratioSum) * ratio[active]).
                ((budget as f64 / ratio_sum) * ratio[i]).floor() as u64
            } else {
                0
            };
        }
        let mut more = false;
        for i in 0..k {
            if desired[i] < done[i] {
                desired[i] = done[i];
                active[i] = false;
                more = true;
            }
        }
        if !more {
            break;
        }
        budget = total
            - (0..k)
                .filter(|&i| !active[i])
                .map(|i| desired[i])
                .sum::<u64>();
    }
    let mut extra: Vec<u64> = (0..k).map(|i| desired[i] - done[i]).collect();
    let given: u64 = desired.iter().sum();
    // The first of the tied best ones with the largest variance (R's which.max).
    let mut top = best[0];
    for &b in best {
        if variances[b] > variances[top] {
            top = b;
        }
    }
    // Tied best ones are in index order in `best` since the sort is stable.
    extra[top] += total - given;
    extra
}

/// Gives `add` replications one at a time to the system with the fewest so far (lowest index on ties).
fn level(done: &[u64], add: u64) -> Vec<u64> {
    let k = done.len() as u64;
    let mut extra = vec![0u64; done.len()];
    // Water-filling: raise the lowest totals to a common level L, then hand out the rest by index.
    let mut sorted: Vec<u64> = done.to_vec();
    sorted.sort_unstable();
    let mut left = add;
    let mut level = sorted[0];
    let mut below = 1u64; // systems at the current level
    for w in sorted.windows(2).map(|w| w[1]) {
        let step = w - level;
        if step.saturating_mul(below) > left {
            break;
        }
        left -= step * below;
        level = w;
        below += 1;
    }
    below = below.min(k);
    let rise = left / below;
    left -= rise * below;
    level += rise;
    for (i, &d) in done.iter().enumerate() {
        if d < level {
            extra[i] = level - d;
        }
    }
    for (i, &d) in done.iter().enumerate() {
        if left == 0 {
            break;
        }
        if d <= level {
            extra[i] += 1;
            left -= 1;
        }
    }
    extra
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_documented_example() {
        let got = ocba(
            &[1.2, 2.1, 3.4, 4.87, 6.05],
            &[3.3, 2.0, 4.5, 5.3, 6.9],
            &[12, 6, 5, 5, 4],
            100,
        );
        assert_eq!(got, vec![48, 38, 11, 2, 1]);
    }

    #[test]
    fn spot_simple_test() {
        // SPOT's other example, OCBA(1:10, 1:10, rep(4, 10), 3): total 43; the desired totals of
        // systems 3.. fall below 4, so they keep 4 and systems 1 and 2 share 43 - 32 = 11.
        let m: Vec<f64> = (1..=10).map(f64::from).collect();
        let got = ocba(&m, &m, &[4; 10], 3);
        // Then 1.. and 2.. want 4 (+1 left by the floors) and 6 of the 11: [1, 2, 0, ...].
        assert_eq!(got, vec![1, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn system_already_above_its_share_keeps_what_it_has() {
        // The far-away third system already has 50 replications, far more than its share of 60.
        let got = ocba(&[0.0, 1.0, 10.0], &[1.0, 1.0, 1.0], &[5, 5, 50], 20);
        assert_eq!(got[2], 0);
        assert_eq!(got.iter().sum::<u64>(), 20);
        assert!(got[0] >= got[1], "{got:?}");
    }

    #[test]
    fn sums_to_add_over_many_inputs() {
        let mut s = 0x1234_5678_u64;
        let mut next = || {
            s = crate::engine::rng::mix64(s.wrapping_add(0x9e37_79b9_7f4a_7c15));
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for case in 0..500 {
            let k = 1 + case % 9;
            let means: Vec<f64> = (0..k).map(|_| (next() * 4.0).round() / 2.0).collect();
            let vars: Vec<f64> = (0..k)
                .map(|_| if next() < 0.15 { 0.0 } else { next() * 3.0 })
                .collect();
            let done: Vec<u64> = (0..k).map(|_| (next() * 30.0) as u64).collect();
            let add = (next() * 200.0) as u64;
            let got = ocba(&means, &vars, &done, add);
            assert_eq!(got.len(), k);
            assert_eq!(
                got.iter().sum::<u64>(),
                add,
                "{means:?} {vars:?} {done:?} {add}"
            );
        }
    }

    #[test]
    fn one_and_two_systems() {
        assert_eq!(ocba(&[3.0], &[1.0], &[10], 7), vec![7]);
        let two = ocba(&[1.0, 2.0], &[1.0, 1.0], &[10, 10], 10);
        // Equal variances: N_b = sqrt(v_b · N_s² / v_s) = N_s, an even split.
        assert_eq!(two, vec![5, 5]);
        assert!(ocba(&[], &[], &[], 5).is_empty());
    }

    #[test]
    fn tied_best_share_and_the_rest_goes_to_the_larger_variance() {
        let got = ocba(&[1.0, 1.0, 2.0], &[1.0, 2.0, 1.0], &[5, 5, 5], 31);
        assert_eq!(got.iter().sum::<u64>(), 31);
        // Both tied best ones get N_b = sqrt(v_b · 1): the larger variance gets more.
        assert!(got[1] > got[0], "{got:?}");
    }

    #[test]
    fn zero_variance_is_handled_without_nan() {
        // A zero-variance system that is neither best nor second best gets nothing.
        let got = ocba(&[1.0, 2.0, 3.0], &[1.0, 1.0, 0.0], &[5, 5, 5], 12);
        assert_eq!(got[2], 0);
        assert_eq!(got.iter().sum::<u64>(), 12);
        // The best with zero variance: the totals are levelled.
        assert_eq!(
            ocba(&[1.0, 2.0, 3.0], &[0.0, 1.0, 1.0], &[5, 3, 4], 6),
            vec![1, 3, 2]
        );
        // Every mean equal: levelled too.
        assert_eq!(ocba(&[1.0; 3], &[1.0; 3], &[2, 2, 2], 4), vec![2, 1, 1]);
        assert_eq!(ocba(&[1.0; 3], &[0.0; 3], &[0, 0, 0], 0), vec![0, 0, 0]);
    }
}
