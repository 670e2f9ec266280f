#!/usr/bin/env python3
"""Builds assets/theatre-borders.json from Natural Earth 1:50m country shapes (public domain),
as packaged in the npm package world-atlas (TopoJSON).

    npm pack world-atlas            # world-atlas-2.0.2.tgz; do NOT commit it
    tar xzf world-atlas-*.tgz
    python3 scripts/theatre-borders.py package/countries-50m.json > assets/theatre-borders.json

Decodes the TopoJSON arcs (delta-encoded, quantised), keeps the theatre (lon 20..44,
lat 40..54), clips country rings to that box, simplifies (Douglas-Peucker, 0.008 deg) and writes:
  land:     filled country polygons [{name, rings: [[[lon, lat], ...]]}]
  coast:    coastline polylines (arcs used by one country)
  borders:  land borders (arcs shared by two countries)
"""
import json
import sys

LON0, LON1, LAT0, LAT1 = 20.0, 44.0, 40.0, 54.0
TOL = 0.008


def decode(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def arc_points(arcs, i):
    return arcs[i] if i >= 0 else list(reversed(arcs[~i]))


def ring(arcs, idx):
    pts = []
    for i in idx:
        a = arc_points(arcs, i)
        pts.extend(a if not pts else a[1:])
    return pts


def dp(pts, tol):
    if len(pts) < 3:
        return pts
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    dx, dy = x1 - x0, y1 - y0
    n = (dx * dx + dy * dy) ** 0.5
    best, bi = -1.0, 0
    for i in range(1, len(pts) - 1):
        px, py = pts[i]
        d = abs(dy * (px - x0) - dx * (py - y0)) / n if n > 0 else ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
        if d > best:
            best, bi = d, i
    if best <= tol:
        return [pts[0], pts[-1]]
    return dp(pts[: bi + 1], tol)[:-1] + dp(pts[bi:], tol)


def clip_ring(pts):
    """Sutherland-Hodgman against the theatre box."""
    def edge(pts, inside, cross):
        out = []
        for i in range(len(pts)):
            cur, prev = pts[i], pts[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        return out

    def at_x(x):
        return lambda a, b: (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))

    def at_y(y):
        return lambda a, b: (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)

    for inside, cross in (
        (lambda p: p[0] >= LON0, at_x(LON0)),
        (lambda p: p[0] <= LON1, at_x(LON1)),
        (lambda p: p[1] >= LAT0, at_y(LAT0)),
        (lambda p: p[1] <= LAT1, at_y(LAT1)),
    ):
        if not pts:
            return pts
        pts = edge(pts, inside, cross)
    return pts


def inside(p):
    return LON0 <= p[0] <= LON1 and LAT0 <= p[1] <= LAT1


def clip_line(pts):
    """Splits a polyline into the runs inside the box (plus one point either side)."""
    runs, cur = [], []
    for i, p in enumerate(pts):
        if inside(p):
            if not cur and i > 0:
                cur.append(pts[i - 1])
            cur.append(p)
        elif cur:
            cur.append(p)
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def r(pts):
    return [[round(x, 3), round(y, 3)] for x, y in pts]


def main():
    topo = json.load(open(sys.argv[1]))
    arcs = decode(topo)
    uses = {}
    land = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        rings = []
        for poly in polys:
            for k, idx in enumerate(poly):
                for i in idx:
                    uses[i if i >= 0 else ~i] = uses.get(i if i >= 0 else ~i, 0) + 1
                c = clip_ring(ring(arcs, idx))
                c = dp(c + [c[0]], TOL) if len(c) >= 3 else []
                if len(c) >= 4 and k == 0:
                    rings.append(r(c))
        if rings:
            land.append({"name": g.get("properties", {}).get("name", ""), "rings": rings})
    coast, borders = [], []
    for i, a in enumerate(arcs):
        for run in clip_line(a):
            s = dp(run, TOL)
            if len(s) >= 2:
                (borders if uses.get(i, 0) >= 2 else coast).append(r(s))
    out = {
        "source": "Natural Earth 1:50m Admin 0 countries (public domain), via the npm package world-atlas 2.0.2 (countries-50m.json)",
        "bbox": [LON0, LAT0, LON1, LAT1],
        "land": sorted(land, key=lambda c: c["name"]),
        "coast": coast,
        "borders": borders,
    }
    json.dump(out, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
