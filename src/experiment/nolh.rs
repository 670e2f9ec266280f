//! Nearly orthogonal Latin hypercube designs (Cioppa & Lucas 2007): the published tables of
//! 17, 33, 65, 129 and 257 points (up to 29 factors), their stacking, and the Cioppa-Lucas
//! construction that reproduces the 17 × 7 table.
//!
//! The tables are the published designs (NPS SEED Center, see `assets/nolh/README.md` for the
//! source and attribution), embedded in the binary. A design with `k` factors takes the first
//! `k` columns of the smallest table that has at least `k`. Stacking `s` copies rotates the
//! columns of the table by one more place in each copy and drops the repeated centre point, so
//! it gives `s·n − (s − 1)` points.

use crate::scenario::sweep::{NOLH_SIZES, nolh_size};

/// The published tables' CSV texts, in [`NOLH_SIZES`] order.
const TABLES: [&str; 5] = [
    include_str!("../../assets/nolh/nolh-17.csv"),
    include_str!("../../assets/nolh/nolh-33.csv"),
    include_str!("../../assets/nolh/nolh-65.csv"),
    include_str!("../../assets/nolh/nolh-129.csv"),
    include_str!("../../assets/nolh/nolh-257.csv"),
];

/// Most factors a NOLH design has (the 257-point table's columns).
pub const MAX_FACTORS: usize = NOLH_SIZES[NOLH_SIZES.len() - 1].1;

/// The (runs, columns) of the table used for `factors` factors; `None` for 0 or more than
/// [`MAX_FACTORS`].
pub fn table_size(factors: usize) -> Option<(usize, usize)> {
    if factors == 0 {
        return None;
    }
    nolh_size(factors, 1).ok()
}

/// The published table with `runs` rows as levels 1..=runs, one row per design point;
/// `None` when there is no such table.
pub fn table(runs: usize) -> Option<Vec<Vec<u32>>> {
    let i = NOLH_SIZES.iter().position(|(r, _)| *r == runs)?;
    let cols = NOLH_SIZES[i].1;
    let rows: Vec<Vec<u32>> = TABLES[i]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .map(|x| {
                    x.trim()
                        .parse()
                        .expect("the embedded NOLH tables hold whole numbers")
                })
                .collect()
        })
        .collect();
    assert!(
        rows.len() == runs && rows.iter().all(|r| r.len() == cols),
        "embedded NOLH table {runs} has the wrong shape"
    );
    Some(rows)
}

/// Number of points of a stacked design: `stack` copies of `runs` points sharing one centre.
pub fn stacked_points(runs: usize, stack: usize) -> usize {
    stack * runs - stack.saturating_sub(1)
}

/// The levels (1..=n, n the table's runs) of a design with `factors` factors and `stack`
/// copies, one row per design point, or why there is none. Copy `j` (from 0) uses column
/// `(c + j) mod m` of the table for factor `c` (`m` its columns) and leaves out the centre
/// point, which copy 0 already has.
pub fn levels(factors: usize, stack: u32) -> Result<Vec<Vec<u32>>, String> {
    if factors == 0 {
        return Err("a NOLH design needs at least 1 factor".into());
    }
    let (runs, cols) = nolh_size(factors, stack)?;
    let t = table(runs).expect("NOLH_SIZES names the embedded tables");
    let centre = (runs as u32).div_ceil(2);
    let mut out = Vec::with_capacity(stacked_points(runs, stack as usize));
    for j in 0..stack as usize {
        for row in &t {
            if j > 0 && row.iter().all(|&l| l == centre) {
                continue;
            }
            out.push((0..factors).map(|c| row[(c + j) % cols]).collect());
        }
    }
    Ok(out)
}

/// The value of level `level` (1..=n) of `n` on the range `min..=max`.
pub fn scale(level: u32, n: usize, min: f64, max: f64) -> f64 {
    if n <= 1 {
        return min;
    }
    min + (max - min) * f64::from(level - 1) / (n - 1) as f64
}

/// The Cioppa-Lucas construction of order `m` (2^m + 1 runs, m + C(m−1, 2) columns) from the
/// permutation `e` of 1..=2^(m−1), as levels 1..=2^m + 1, one row per run.
///
/// With the permutation matrices A_k = I^{⊗(m−1−k)} ⊗ R^{⊗k} (R the 2 × 2 anti-identity),
/// the columns of M are e, A_k·e (k = 1..m−1) and A_i·A_j·e (i < j); the sign matrix S holds
/// 1, a_k and a_i∘a_j, a_k being the Kronecker product of (1, 1) with (−1, 1) in place m−k;
/// the design is [M∘S; 0; −M∘S], shifted to 1..=2^m + 1.
///
/// # Panics
/// When `m < 2` or `e` is not a permutation of 1..=2^(m−1) (a caller's bug).
pub fn construct(m: u32, e: &[u32]) -> Vec<Vec<u32>> {
    assert!((2..=16).contains(&m), "order {m} out of range");
    let q = 1usize << (m - 1);
    let mut sorted = e.to_vec();
    sorted.sort_unstable();
    assert!(
        sorted == (1..=q as u32).collect::<Vec<_>>(),
        "e must be a permutation of 1..={q}"
    );
    // A_k permutes index r to r XOR (2^k − 1); a_k[r] is −1 when bit k−1 of r is 0.
    let mask = |k: u32| (1usize << k) - 1;
    let sign = |k: u32, r: usize| if r >> (k - 1) & 1 == 0 { -1i64 } else { 1 };
    // Each column: (XOR mask applied to the index, the a_k whose product is the sign).
    let mut columns: Vec<(usize, Vec<u32>)> = vec![(0, vec![])];
    for k in 1..m {
        columns.push((mask(k), vec![k]));
    }
    for i in 1..m {
        for j in i + 1..m {
            columns.push((mask(i) ^ mask(j), vec![i, j]));
        }
    }
    let t: Vec<Vec<i64>> = (0..q)
        .map(|r| {
            columns
                .iter()
                .map(|(x, ks)| {
                    let s: i64 = ks.iter().map(|&k| sign(k, r)).product();
                    s * i64::from(e[r ^ x])
                })
                .collect()
        })
        .collect();
    let shift = q as i64 + 1;
    let level = |v: i64| u32::try_from(v + shift).expect("levels are positive");
    let mut out: Vec<Vec<u32>> = t
        .iter()
        .map(|row| row.iter().map(|&v| level(v)).collect())
        .collect();
    out.push(vec![level(0); columns.len()]);
    out.extend(t.iter().map(|row| row.iter().map(|&v| level(-v)).collect()));
    out
}

/// Largest absolute Pearson correlation between two columns of `rows`.
pub fn max_abs_correlation(rows: &[Vec<u32>]) -> f64 {
    let k = rows.first().map_or(0, Vec::len);
    let n = rows.len() as f64;
    let col = |c: usize| -> Vec<f64> { rows.iter().map(|r| f64::from(r[c])).collect() };
    let centred: Vec<Vec<f64>> = (0..k)
        .map(|c| {
            let v = col(c);
            let m = v.iter().sum::<f64>() / n;
            v.iter().map(|x| x - m).collect()
        })
        .collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut worst = 0.0f64;
    for i in 0..k {
        for j in i + 1..k {
            let r = dot(&centred[i], &centred[j])
                / (dot(&centred[i], &centred[i]) * dot(&centred[j], &centred[j])).sqrt();
            worst = worst.max(r.abs());
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published maximum pairwise |correlation| of each table (assets/nolh/README.md).
    const PUBLISHED: [(usize, f64); 5] = [
        (17, 0.0000),
        (33, 0.0234),
        (65, 0.0219),
        (129, 0.0074),
        (257, 0.0039),
    ];

    fn is_permutation(rows: &[Vec<u32>], c: usize) -> bool {
        let mut v: Vec<u32> = rows.iter().map(|r| r[c]).collect();
        v.sort_unstable();
        v == (1..=rows.len() as u32).collect::<Vec<_>>()
    }

    #[test]
    fn every_table_column_is_a_permutation_and_correlations_are_as_published() {
        for (runs, published) in PUBLISHED {
            let t = table(runs).unwrap();
            let cols = t[0].len();
            for c in 0..cols {
                assert!(is_permutation(&t, c), "table {runs}, column {c}");
            }
            let r = max_abs_correlation(&t);
            assert!(
                (r - published).abs() <= 0.00005,
                "table {runs}: max |correlation| {r:.5}, published {published}"
            );
        }
    }

    #[test]
    fn construction_reproduces_the_17_point_table_up_to_column_order() {
        let built = construct(4, &[1, 2, 8, 4, 5, 6, 7, 3]);
        let t = table(17).unwrap();
        assert_eq!(built.len(), 17);
        assert_eq!(built[0].len(), 7);
        let column = |rows: &[Vec<u32>], c: usize| rows.iter().map(|r| r[c]).collect::<Vec<_>>();
        let mut unused: Vec<usize> = (0..7).collect();
        for c in 0..7 {
            let want = column(&t, c);
            let at = unused
                .iter()
                .position(|&b| column(&built, b) == want)
                .unwrap_or_else(|| panic!("table column {c} {want:?} is not constructed"));
            unused.remove(at);
        }
        // Any other permutation gives another design.
        let other = construct(4, &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert!((0..7).any(|c| !(0..7).any(|b| column(&other, b) == column(&t, c))));
    }

    #[test]
    fn construction_is_a_latin_hypercube() {
        for m in 2..=6 {
            let q = 1u32 << (m - 1);
            let e: Vec<u32> = (1..=q).collect();
            let d = construct(m, &e);
            assert_eq!(d.len(), (1 << m) + 1);
            let k = m as usize + ((m - 1) * (m - 2) / 2) as usize;
            assert_eq!(d[0].len(), k);
            for c in 0..k {
                assert!(is_permutation(&d, c), "order {m}, column {c}");
            }
        }
    }

    #[test]
    fn designs_take_the_smallest_table_and_stack_without_repeating_the_centre() {
        assert_eq!(table_size(1), Some((17, 7)));
        assert_eq!(table_size(7), Some((17, 7)));
        assert_eq!(table_size(8), Some((33, 11)));
        assert_eq!(table_size(29), Some((257, 29)));
        assert_eq!(table_size(30), None);
        assert_eq!(table_size(0), None);
        let one = levels(5, 1).unwrap();
        assert_eq!(one.len(), 17);
        assert_eq!(
            one,
            table(17)
                .unwrap()
                .iter()
                .map(|r| r[..5].to_vec())
                .collect::<Vec<_>>()
        );
        let three = levels(5, 3).unwrap();
        assert_eq!(three.len(), stacked_points(17, 3));
        assert_eq!(three.len(), 49);
        assert_eq!(
            three.iter().filter(|r| r.iter().all(|&l| l == 9)).count(),
            1
        );
        // The second copy's first column is the table's second column, without the centre.
        let t = table(17).unwrap();
        let second: Vec<u32> = t.iter().map(|r| r[1]).filter(|&l| l != 9).collect();
        let got: Vec<u32> = three[17..33].iter().map(|r| r[0]).collect();
        assert_eq!(got, second);
        assert!(levels(5, 0).is_err());
        assert!(levels(5, 8).is_err());
        assert!(levels(30, 1).unwrap_err().contains("1 to 29"));
        assert_eq!(scale(1, 17, 2.0, 10.0), 2.0);
        assert_eq!(scale(17, 17, 2.0, 10.0), 10.0);
        assert_eq!(scale(9, 17, 2.0, 10.0), 6.0);
    }
}
