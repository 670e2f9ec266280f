#!/usr/bin/env python3
"""Statistical equivalence of two forceplan engines (issue 10: exact arrivals, grouped drone looks).

    scripts/equivalence.py OLD_BIN NEW_BIN [-n 200] [--scenario scenarios/coalition-2026.ron]

Runs both binaries on the same scenario and seed with -n replications, reads each
summary.json, and compares every KPI of the theatre, of each domain and of each sector with
Welch's test: the 95 % confidence interval of the difference of the two means,
diff ± t(0.975, Welch df) · sqrt(s1²/n1 + s2²/n2), must contain 0. With many KPIs some 5 %
intervals miss by chance, so the verdict uses the Bonferroni-corrected level (family-wise
5 %); the unadjusted misses are listed too. The replications of the two engines are not
paired (their arrival streams differ), so Welch's unpaired test is the right one.
Exit status 0 when every KPI agrees at the corrected level.
"""
import argparse, json, math, os, subprocess, sys, tempfile


def t_quantile(p, df):
    """Student-t quantile by bisection on the regularised incomplete beta (no scipy)."""
    if df > 1e6:
        df = 1e6

    def cdf(t):
        x = df / (df + t * t)
        ib = betainc(df / 2.0, 0.5, x)
        return 1.0 - 0.5 * ib if t > 0 else 0.5 * ib

    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def betainc(a, b, x):
    """Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * cf(a, b, x) / a
    return 1.0 - front * cf(b, a, 1 - x) / b


def cf(a, b, x):
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 3e-16:
            break
    return h


def run(binary, scenario, n, out, threads):
    subprocess.run([binary, "run", scenario, "-n", str(n), "--threads", str(threads), "--no-plots",
                    "--out", out, "--force"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def kpi_tables(summary):
    yield "theatre", summary["kpis"]
    for dom, table in summary["by_domain"].items():
        yield f"domain {dom}", table
    for sec in summary["by_sector"]:
        yield f"sector {sec['id']}", {k: v for k, v in sec.items() if isinstance(v, dict)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--scenario", default="scenarios/coalition-2026.ron")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        a = run(args.old, args.scenario, args.n, os.path.join(tmp, "old"), args.threads)
        b = run(args.new, args.scenario, args.n, os.path.join(tmp, "new"), args.threads)
    rows = []
    for (group, ta), (_, tb) in zip(kpi_tables(a), kpi_tables(b)):
        for kpi, x in ta.items():
            y = tb[kpi]
            if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (x["mean"], y["mean"], x["std"], y["std"])):
                continue
            va, vb = x["std"] ** 2 / x["n"], y["std"] ** 2 / y["n"]
            se = math.sqrt(va + vb)
            diff = y["mean"] - x["mean"]
            if se == 0:
                rows.append((group, kpi, x["mean"], y["mean"], diff, 0.0, 0.0, diff == 0))
                continue
            df = (va + vb) ** 2 / (va ** 2 / (x["n"] - 1) + vb ** 2 / (y["n"] - 1))
            rows.append((group, kpi, x["mean"], y["mean"], diff, se, df, None))
    m = len(rows)
    t95 = {}
    misses, misses_bonf = [], []
    for r in rows:
        group, kpi, ma, mb, diff, se, df, exact = r
        if exact is not None:
            if not exact:
                misses.append(r)
                misses_bonf.append(r)
            continue
        z = abs(diff) / se
        q = t_quantile(0.975, df)
        qb = t_quantile(1 - 0.025 / m, df)
        if z > q:
            misses.append(r)
        if z > qb:
            misses_bonf.append(r)
    print(f"{m} KPIs compared (theatre, per domain, per sector), {args.n} replications each, "
          f"Welch 95 % CI of the difference of means")
    print(f"outside the unadjusted 95 % CI: {len(misses)} (about {0.05 * m:.1f} expected by chance)")
    for g, k, ma, mb, d, se, df, _ in misses:
        print(f"  {g:32} {k:28} old {ma:.6g} new {mb:.6g} diff {d:+.4g} (se {se:.3g}, {d / se if se else 0:+.2f} se)")
    print(f"outside the Bonferroni-corrected CI (family-wise 5 %): {len(misses_bonf)}")
    for g, k, ma, mb, d, se, df, _ in misses_bonf:
        print(f"  {g:32} {k:28} old {ma:.6g} new {mb:.6g} diff {d:+.4g}")
    theatre = [r for r in rows if r[0] == "theatre"]
    print("\ntheatre KPIs:")
    for g, k, ma, mb, d, se, df, _ in theatre:
        print(f"  {k:28} old {ma:12.6g}  new {mb:12.6g}  diff {d:+10.4g}  ({d / se if se else 0:+.2f} se)")
    print("EQUIVALENT" if not misses_bonf else "NOT EQUIVALENT")
    sys.exit(0 if not misses_bonf else 1)


if __name__ == "__main__":
    main()
