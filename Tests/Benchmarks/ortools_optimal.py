#!/usr/bin/env python3
"""The `optimal` mechanism with OR-Tools: what a bureau analyst would write instead of Anju.

    python3 ortools_optimal.py INPUT_DIR [--stats]

Reads the four contract files (projects.csv, slots.csv, applicants.csv, policy.json),
applies the contract's eligibility rules and commute model, and solves a min-cost flow

    source -(1)-> applicant -(commute)-> profile -> slot class -(capacity)-> sink

with SimpleMinCostFlow.solve_max_flow_with_min_cost(): as many applicants offered a slot
as possible, then the least total commute. It prints one JSON line:

    {"offered": .., "total_commute_min": .., "seconds": {...}, "arcs": ..}

Two exact reductions keep the network small:
- a *slot class* is the available slots of one project that no rule can tell apart
  (kind, max_household, rent, bed gender, accessible, reserved employer); it is one node
  whose arc to the sink carries the class's slot count;
- a *profile* is the set of a project's classes an applicant is eligible for. Every
  applicant reaches a project through one profile node (whose arcs to the classes are
  free), so there is one commute arc per eligible (applicant, project) pair instead of one
  per eligible (applicant, class) pair. Commute depends only on the project, so nothing
  is lost.
The input is assumed valid (check it with `anju solve` first); --stats prints
eligibility counts to stderr.
"""
import csv
import json
import os
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow

EARTH_RADIUS_KM = 6371.0088
CATEGORIES = {"youth_talent": 0, "frontline_worker": 1, "general": 2}
DEFAULT_POLICY = {
    "default_max_commute_min": 60,
    "commute": {"overhead_min": 10, "detour_factor": 1.3, "speed_kmh": 25},
    "programmes": {
        "talent": {"categories": ["youth_talent"], "max_age": 35},
        "frontline": {"categories": ["frontline_worker"], "income_max": 12000},
        "general": {"categories": ["youth_talent", "frontline_worker", "general"]},
    },
}
NO_LIMIT = np.iinfo(np.int64).max


def read_table(path):
    """Rows of a contract CSV as {column: [values]}; entirely empty lines skipped."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if r]
    header, rows = rows[0], rows[1:]
    return {name: [r[i] if i < len(r) else "" for r in rows] for i, name in enumerate(header)}


def column(table, name, n):
    """An optional column: all "not given" when the header leaves it out."""
    return table.get(name, [""] * n)


def ints(values, default):
    return np.array([int(v) if v != "" else default for v in values], dtype=np.int64)


def bools(values):
    return np.array([v.lower() in ("true", "1") for v in values], dtype=bool)


def ages(birth_dates, round_date):
    """Whole years at round_date; a 29 February birthday is 1 March in common years."""
    ry, rm, rd = (int(x) for x in round_date.split("-"))
    b = np.array([[int(x) for x in s.split("-")] for s in birth_dates], dtype=np.int64).reshape(-1, 3)
    by, bm, bd = b[:, 0], b[:, 1].copy(), b[:, 2].copy()
    round_year_is_leap = (ry % 4 == 0 and ry % 100 != 0) or ry % 400 == 0
    if not round_year_is_leap:
        feb29 = (bm == 2) & (bd == 29)
        bm[feb29], bd[feb29] = 3, 1
    not_yet = (rm < bm) | ((rm == bm) & (rd < bd))
    return ry - by - not_yet


def commute_minutes(lat1, lon1, lat2, lon2, commute):
    """The contract's model, term by term (angles in radians)."""
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    return np.floor(commute["overhead_min"] + d * commute["detour_factor"] / commute["speed_kmh"] * 60 + 0.5).astype(np.int64)


def main(folder, stats):
    t0 = time.perf_counter()
    with open(os.path.join(folder, "policy.json"), encoding="utf-8") as f:
        policy = {**DEFAULT_POLICY, **json.load(f)}
    commute = {**DEFAULT_POLICY["commute"], **policy["commute"]}
    programmes = policy["programmes"]

    projects = read_table(os.path.join(folder, "projects.csv"))
    slots = read_table(os.path.join(folder, "slots.csv"))
    people = read_table(os.path.join(folder, "applicants.csv"))

    n = len(people["applicant_id"])
    employers = {}  # employer id -> code, shared by applicants and slots; 0 means "none"

    def code(employer_id):
        return 0 if employer_id == "" else employers.setdefault(employer_id, len(employers) + 1)

    category = np.array([CATEGORIES[c] for c in people["category"]], dtype=np.int64)
    household = ints(people["household_size"], 0)
    male = np.array([g == "male" for g in people["gender"]])
    age = ages(people["birth_date"], policy["round_date"])
    income = ints(people["monthly_income"], 0)
    lat = np.radians(np.array(people["work_lat"], dtype=np.float64))
    lon = np.radians(np.array(people["work_lon"], dtype=np.float64))
    max_commute = ints(column(people, "max_commute_min", n), policy["default_max_commute_min"])
    max_rent = ints(column(people, "max_rent", n), NO_LIMIT)
    needs_accessible = bools(people["needs_accessible"])
    employer = np.array([code(e) for e in column(people, "employer_id", n)], dtype=np.int64)

    # Slot classes: available slots of a project that no rule tells apart.
    classes = {}  # project index -> {(kind, max_household, rent, gender, accessible, employer): count}
    project_index = {p: i for i, p in enumerate(projects["project_id"])}
    m = len(slots["slot_id"])
    reserved = column(slots, "reserved_employer_id", m)
    for pid, kind, mh, rent, gender, acc, status, emp in zip(
            slots["project_id"], slots["kind"], slots["max_household"], slots["rent"],
            slots["gender"], slots["accessible"], slots["status"], reserved):
        if status != "available":
            continue
        key = (kind, int(mh), int(rent), gender if kind == "bed" else "any", acc.lower() in ("true", "1"), code(emp))
        per_project = classes.setdefault(project_index[pid], {})
        per_project[key] = per_project.get(key, 0) + 1
    t_read = time.perf_counter()

    # Eligibility, one project at a time over all applicants.
    next_node = 2 + n  # 0 source, 1 sink, 2.. applicants, then profiles and classes
    tails, heads, caps, costs = [], [], [], []

    def add_arcs(tail, head, capacity, cost):
        tails.append(tail), heads.append(head), caps.append(capacity), costs.append(cost)

    has_arc = np.zeros(n, dtype=bool)
    pairs = {"applicant_projects": 0, "applicant_classes": 0, "applicant_slots": 0}
    reachable_projects = np.zeros(n, dtype=np.int64)
    for p, per_project in sorted(classes.items()):
        rules = programmes[projects["programme"][p]]
        allowed = np.isin(category, [CATEGORIES[c] for c in rules["categories"]])
        if "max_age" in rules:
            allowed &= age <= rules["max_age"]
        if "income_max" in rules:
            allowed &= income <= rules["income_max"]
        plat, plon = np.radians(float(projects["lat"][p])), np.radians(float(projects["lon"][p]))
        minutes = commute_minutes(lat, lon, plat, plon, commute)
        reachable_projects += minutes <= max_commute
        who = np.nonzero(allowed & (minutes <= max_commute))[0]
        if len(who) == 0:
            continue
        keys = list(per_project)
        eligible = np.empty((len(who), len(keys)), dtype=bool)
        for c, (kind, mh, rent, gender, acc, emp) in enumerate(keys):
            ok = household[who] <= mh
            if kind == "bed" and gender != "any":
                ok &= male[who] == (gender == "male")
            if not acc:
                ok &= ~needs_accessible[who]
            ok &= rent <= max_rent[who]
            if emp:
                ok &= employer[who] == emp
            eligible[:, c] = ok
        # One profile node per distinct set of eligible classes.
        packed = np.packbits(eligible, axis=1)
        packed = np.ascontiguousarray(packed).view(f"V{packed.shape[1]}").ravel()
        profiles, profile_of = np.unique(packed, return_inverse=True)
        profile_of = profile_of.ravel()
        first_of = np.zeros(len(profiles), dtype=np.int64)
        first_of[profile_of[::-1]] = np.arange(len(who))[::-1]  # a row holding each profile
        class_node = next_node + len(profiles) + np.arange(len(keys))
        capacity = np.array([per_project[k] for k in keys], dtype=np.int64)
        any_class = eligible.any(axis=1)
        for u in range(len(profiles)):
            members = np.nonzero(eligible[first_of[u]])[0]
            add_arcs(np.full(len(members), next_node + u), class_node[members], capacity[members], np.zeros(len(members)))
        takers = who[any_class]
        add_arcs(2 + takers, next_node + profile_of[any_class], np.ones(len(takers)), minutes[takers])
        add_arcs(class_node, np.ones(len(keys)), capacity, np.zeros(len(keys)))
        has_arc[takers] = True
        next_node += len(profiles) + len(keys)
        pairs["applicant_projects"] += int(any_class.sum())
        pairs["applicant_classes"] += int(eligible.sum())
        pairs["applicant_slots"] += int((eligible * capacity).sum())
    t_elig = time.perf_counter()

    candidates = np.nonzero(has_arc)[0]
    add_arcs(np.zeros(len(candidates)), 2 + candidates, np.ones(len(candidates)), np.zeros(len(candidates)))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32), np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64), np.concatenate(costs).astype(np.int64))
    smcf.set_node_supply(0, len(candidates))
    smcf.set_node_supply(1, -len(candidates))
    t_build = time.perf_counter()

    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        sys.exit(f"min cost flow failed: status {status}")
    t_solve = time.perf_counter()

    print(json.dumps({
        "offered": smcf.maximum_flow(),
        "total_commute_min": smcf.optimal_cost(),
        "seconds": {k: round(v, 3) for k, v in (("read", t_read - t0), ("eligibility", t_elig - t_read),
                                                 ("build", t_build - t_elig), ("solve", t_solve - t_build),
                                                 ("total", t_solve - t0))},
        "arcs": smcf.num_arcs(),
    }))
    if stats:
        print(json.dumps({
            "applicants": n, "applicants_with_eligible_slot": int(len(candidates)),
            "slot_classes": sum(len(c) for c in classes.values()),
            "projects": len(projects["project_id"]),
            "reachable_projects_per_applicant": {
                "mean": round(float(reachable_projects.mean()), 1) if n else 0,
                "median": float(np.median(reachable_projects)) if n else 0},
            "eligible_pairs": pairs,
        }), file=sys.stderr)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--stats"]
    if len(args) != 1:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    main(args[0], "--stats" in sys.argv[1:])
