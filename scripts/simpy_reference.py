#!/usr/bin/env python3
"""An independent, straightforward SimPy model of a forceplan scenario: the speed reference of
issue 10 (forceplan must be at least 50 times faster on the same scenario).

    cargo run --example simpy_export -- scenarios/coalition-2026.ron > /tmp/params.json
    scripts/simpy_reference.py /tmp/params.json [--replications 1] [--seed 1]

It reads the validated parameters the example writes (the same numbers forceplan simulates)
and models the same logic the way a SimPy user would write it, one process per violation,
drone and satellite track: arrivals (non-homogeneous Poisson by thinning, with escalation
bursts and rate windows), sensors (fixed sensors in range and drones on station at once,
satellite passes and arriving drones over what is still observable), reporting, HQ
processing, tasking of the eligible available unit with the earliest estimated arrival (lead
nation first when the scenario says so) or a wait in the queue, national approval, notice to
move, transit, time on scene, return and turnaround. It prints a few KPIs as JSON (to check
it models the same thing; its random numbers are its own, so only distributions agree) and
the CPU time it took.
"""
import argparse, bisect, json, math, random, time

import simpy

R_KM = 6371.0088


def haversine(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_KM * math.asin(min(1.0, math.sqrt(h)))


def draw(d, rng):
    k = d["kind"]
    if k == "fixed":
        return d["secs"]
    if k == "uniform":
        return rng.uniform(d["min"], d["max"])
    if k == "exponential":
        return rng.expovariate(1.0 / d["mean"]) if d["mean"] > 0 else 0.0
    if k == "triangular":
        return rng.triangular(d["min"], d["max"], d["mode"])
    return math.exp(rng.gauss(d["mu"], d["sigma"]))


def median(d):
    k = d["kind"]
    if k == "fixed":
        return d["secs"]
    if k == "uniform":
        return (d["min"] + d["max"]) / 2
    if k == "exponential":
        return d["mean"] * math.log(2)
    if k == "triangular":
        a, c, b = d["min"], d["mode"], d["max"]
        return a + math.sqrt((b - a) * (c - a) / 2) if c - a >= (b - a) / 2 else b - math.sqrt((b - a) * (b - c) / 2)
    return math.exp(d["mu"])


def point_in_polygon(p, pts):
    inside, j = False, len(pts) - 1
    for i in range(len(pts)):
        (yi, xi), (yj, xj) = pts[i], pts[j]
        if (yi > p[0]) != (yj > p[0]) and p[1] < (xj - xi) * (p[0] - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


class Sector:
    def __init__(self, s):
        self.__dict__.update(s)
        if self.kind == "line":
            self.cum = [0.0]
            for a, b in zip(self.points, self.points[1:]):
                self.cum.append(self.cum[-1] + haversine(a, b))
        else:
            lats = [p[0] for p in self.points]
            lons = [p[1] for p in self.points]
            self.bbox = (min(lats), min(lons), max(lats), max(lons))

    def sample(self, rng):
        if self.kind == "line":
            x = rng.random() * self.cum[-1]
            i = max(1, min(len(self.cum) - 1, bisect.bisect_left(self.cum, x)))
            seg = self.cum[i] - self.cum[i - 1]
            f = (x - self.cum[i - 1]) / seg if seg > 0 else 0.0
            a, b = self.points[i - 1], self.points[i]
            return (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))
        z0, z1 = math.sin(math.radians(self.bbox[0])), math.sin(math.radians(self.bbox[2]))
        for _ in range(10000):
            p = (math.degrees(math.asin(z0 + rng.random() * (z1 - z0))),
                 self.bbox[1] + rng.random() * (self.bbox[3] - self.bbox[1]))
            if point_in_polygon(p, self.points):
                return p
        return tuple(self.centroid)


class Model:
    def __init__(self, P, seed):
        self.P, self.rng = P, random.Random(seed)
        self.env = simpy.Environment()
        self.horizon = P["horizon_s"]
        self.sectors = [Sector(s) for s in P["sectors"]]
        self.types = P["violation_types"]
        self.watch = [set() for _ in self.sectors]
        self.on_station = [[] for _ in self.sectors]
        self.units = []  # dicts: contingent, busy
        for ci, c in enumerate(P["contingents"]):
            if c["isr"] is None:
                for _ in range(c["units"]):
                    self.units.append({"c": ci, "busy": False})
        self.queue = []  # waiting violations
        self.k = {"violations": 0, "needing": 0, "detected": 0, "responded": 0, "response_s": 0.0,
                  "within_target": 0}

    # --- arrivals -------------------------------------------------------------------------
    def arrivals(self, s):
        sec, rng = self.sectors[s], self.rng
        bursts, mult = [], 1.0
        if sec.escalation:
            e, t = sec.escalation, 0.0
            mult = e["multiplier"]
            while e["bursts_per_day"] > 0:
                t += rng.expovariate(e["bursts_per_day"] / 86400)
                if t > self.horizon:
                    break
                bursts.append((t, t + draw(e["duration"], rng)))
        wmax = 1.0
        for w in sec.rate_windows:
            wmax *= max(1.0, w[2])
        base = sec.rate_per_day / 86400
        lmax = base * max(sec.profile) * mult * wmax
        if lmax <= 0:
            return
        while True:
            yield self.env.timeout(rng.expovariate(lmax))
            t = self.env.now
            if t > self.horizon:
                return
            rate = base * sec.profile[int(t // 3600) % 24]
            if any(a <= t <= b for a, b in bursts):
                rate *= mult
            for a, b, m in sec.rate_windows:
                if a <= t < b:
                    rate *= m
            if rng.random() * lmax < rate:
                self.env.process(self.violation(s))

    # --- one violation ----------------------------------------------------------------------
    def violation(self, s):
        env, rng, sec = self.env, self.rng, self.sectors[s]
        pos = sec.sample(rng)
        u = rng.random()
        t = next((ti for ti, cum in sec.mix if u < cum), sec.mix[-1][0])
        vt = self.types[t]
        v = {"s": s, "t": t, "pos": pos, "occurred": env.now, "sev": vt["severity"],
             "detected": None, "event": env.event()}
        self.k["violations"] += 1
        if vt["response"]:
            self.k["needing"] += 1
        observable = draw(vt["observable"], rng)
        on_scene = draw(vt["response"]["on_scene"], rng) if vt["response"] else 0.0
        hq = draw(self.P["hq_processing"], rng)
        best = None
        for f in self.P["fixed_sensors"]:
            if sec.domain in f["domains"] and haversine(f["pos"], pos) <= f["range_km"] and rng.random() < f["p"]:
                r = draw(f["reporting"], rng)
                best = r if best is None else min(best, r)
        for ci in self.on_station[s]:
            isr = self.P["contingents"][ci]["isr"]
            if rng.random() < isr["p"]:
                r = draw(isr["reporting"], rng)
                best = r if best is None else min(best, r)
        if best is not None:
            v["detected"] = env.now
            delay = best
        elif observable > 0:
            self.watch[s].add(id(v))
            v["watch"] = True
            self.watch_items.setdefault(s, {})[id(v)] = v
            result = yield v["event"] | env.timeout(observable)
            self.watch[s].discard(id(v))
            self.watch_items[s].pop(id(v), None)
            if v["event"] not in result:
                return  # expired unseen
            delay = result[v["event"]]
        else:
            return
        self.k["detected"] += 1
        yield env.timeout(delay)  # report reaches HQ
        if not vt["response"]:
            return
        yield env.timeout(hq)  # HQ decision
        unit, transit = self.choose(v, vt)
        if unit is None:
            if not self.reachable(v, vt):
                return  # unanswerable
            v["wake"] = env.event()
            self.queue.append(v)
            unit, transit = yield v["wake"]
        yield from self.respond(v, vt, unit, transit, on_scene)

    def look(self, s, p, delay_dist):
        """A satellite pass or an arriving drone looks over the undetected violations."""
        for vid, v in list(self.watch_items.get(s, {}).items()):
            if self.rng.random() < p:
                v["detected"] = self.env.now
                self.watch[s].discard(vid)
                del self.watch_items[s][vid]
                v["event"].succeed(draw(delay_dist, self.rng))

    # --- dispatch ----------------------------------------------------------------------------
    def eligible(self, c, v, vt):
        P, r = self.P, vt["response"]
        cont = P["contingents"][c]
        nat = P["nations"][cont["nation"]]
        return (cont["domain"] in r["responders"] and r["capability"] in cont["capabilities"]
                and vt["domain"] not in nat["caveat_domains"] and r["capability"] not in nat["caveat_capabilities"]
                and v["t"] not in nat["caveat_types"] and v["s"] not in nat["caveat_sectors"])

    def transit_h(self, c, pos):
        cont = self.P["contingents"][c]
        h = haversine(self.P["bases"][cont["base"]], pos) / (cont["speed_kmh"] / self.P["route_factor"][cont["domain"]])
        e = cont["endurance_s"]
        return h if e is None or 2 * h <= e / 3600 else None

    def eta(self, c, h):
        cont = self.P["contingents"][c]
        return (median(self.P["nations"][cont["nation"]]["approval"]) + median(cont["notice"])) / 3600 + h

    def choose(self, v, vt):
        lead = self.sectors[v["s"]].lead_nation if self.P["dispatch"] == "LeadNationFirst" else None
        for only_lead in ([True, False] if lead is not None else [False]):
            best = None
            for u in self.units:
                if u["busy"]:
                    continue
                c = u["c"]
                if only_lead and self.P["contingents"][c]["nation"] != lead:
                    continue
                if not self.eligible(c, v, vt):
                    continue
                h = self.transit_h(c, v["pos"])
                if h is None:
                    continue
                e = self.eta(c, h)
                if best is None or e < best[0]:
                    best = (e, u, h)
            if best:
                best[1]["busy"] = True
                return best[1], best[2]
        return None, None

    def reachable(self, v, vt):
        return any(self.eligible(u["c"], v, vt) and self.transit_h(u["c"], v["pos"]) is not None
                   for u in self.units)

    def respond(self, v, vt, unit, transit_h, on_scene):
        env, rng, P = self.env, self.rng, self.P
        cont = P["contingents"][unit["c"]]
        yield env.timeout(draw(P["nations"][cont["nation"]]["approval"], rng))
        yield env.timeout(draw(cont["notice"], rng))
        yield env.timeout(transit_h * 3600)
        rt = env.now - v["occurred"]
        self.k["responded"] += 1
        self.k["response_s"] += rt
        if rt <= vt["response"]["target_s"]:
            self.k["within_target"] += 1
        yield env.timeout(on_scene)
        yield env.timeout(transit_h * 3600)
        yield env.timeout(draw(cont["turnaround"], rng))
        # Free: the most urgent waiting violation this unit may answer and reach.
        best = None
        for i, w in enumerate(self.queue):
            wt = self.types[w["t"]]
            if not self.eligible(unit["c"], w, wt):
                continue
            h = self.transit_h(unit["c"], w["pos"])
            if h is None:
                continue
            key = ((-w["sev"] if P["queue_priority"] == "SeverityThenAge" else 0), w["occurred"])
            if best is None or key < best[0]:
                best = (key, i, h)
        if best:
            w = self.queue.pop(best[1])
            w["wake"].succeed((unit, best[2]))
        else:
            unit["busy"] = False

    # --- sensors that move ----------------------------------------------------------------
    def satellite(self, sat, s):
        yield self.env.timeout(self.rng.random() * sat["revisit_s"])
        while True:
            self.look(s, sat["p"], sat["processing"])
            yield self.env.timeout(sat["revisit_s"])

    def drone(self, ci, s, delay, transit, on_station):
        c = self.P["contingents"][ci]
        yield self.env.timeout(delay)
        while True:
            yield self.env.timeout(transit)
            self.on_station[s].append(ci)
            self.look(s, c["isr"]["p"], c["isr"]["reporting"])
            yield self.env.timeout(on_station)
            self.on_station[s].remove(ci)
            yield self.env.timeout(transit)
            yield self.env.timeout(draw(c["turnaround"], self.rng))

    def run(self):
        self.watch_items = {}
        P = self.P
        for s in range(len(self.sectors)):
            self.env.process(self.arrivals(s))
        for sat in P["satellites"]:
            for s in sat["sectors"]:
                self.env.process(self.satellite(sat, s))
        for ci, c in enumerate(P["contingents"]):
            if c["isr"] is None or c["units"] == 0:
                continue
            cycle = c["endurance_s"] + c["turnaround"].get("secs", median(c["turnaround"]))
            n_sec = len(c["isr"]["sectors"])
            for k in range(c["units"]):
                slot = k % n_sec
                s = c["isr"]["sectors"][slot]
                j, n = k // n_sec, -(-(c["units"] - slot) // n_sec)
                km = haversine(P["bases"][c["base"]], self.sectors[s].centroid) * P["route_factor"][c["domain"]]
                transit = round(km / c["speed_kmh"] * 3600)
                on_station = max(0, c["endurance_s"] - 2 * transit)
                self.env.process(self.drone(ci, s, j * cycle / n, transit, on_station))
        self.env.run(until=self.horizon)
        k = self.k
        return {
            "violations": k["violations"],
            "needing_response": k["needing"],
            "detected_share": k["detected"] / max(1, k["violations"]),
            "responded_share": k["responded"] / max(1, k["needing"]),
            "response_time_mean_h": k["response_s"] / max(1, k["responded"]) / 3600,
            "within_target_share": k["within_target"] / max(1, k["needing"]),
        }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("params")
    ap.add_argument("--replications", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    P = json.load(open(a.params))
    t0 = time.process_time()
    runs = [Model(P, a.seed * 1000 + r).run() for r in range(a.replications)]
    cpu = time.process_time() - t0
    years = a.replications * P["horizon_s"] / (365 * 86400)
    print(json.dumps({"replications": a.replications, "cpu_seconds": cpu,
                      "seconds_per_replication_year": cpu / years,
                      "kpis_first_replication": runs[0]}, indent=1))


if __name__ == "__main__":
    main()
