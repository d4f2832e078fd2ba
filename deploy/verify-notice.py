#!/usr/bin/env python3
"""Check an Anju round's published notices using only their files (Python 3, standard library).

    python3 verify-notice.py DIR     # DIR holds pre-draw/ and, after the draw, result/

Exit 0 when they verify, 1 when anything is wrong (each problem printed), 66 when DIR/pre-draw
is missing. Independent of Anju's own code: the formula and the checks are README's.
"""
import csv, hashlib, io, json, os, sys

FORMAT = "anju-notice-1"
TABLES = {"pre_draw": ["places.csv", "pool.csv"], "result": ["offers.csv", "results.csv"]}
HEADERS = {"pool.csv": "applicant_id,category,priority_points", "places.csv": "project_id,programme,places",
           "results.csv": "applicant_id,category,priority_points,lottery_number,outcome,project_id",
           "offers.csv": "project_id,rank,applicant_id,priority_points,lottery_number",
           "corrections.csv": "seq,applicant_id,outcome_before,project_before,outcome_after,project_after,objection_id,reason"}
REASONS = {"data_corrected", "offer_by_hand", "reinstated", "clerical_error"}
problems = []


def sha(data):
    return hashlib.sha256(data).hexdigest()


def seed_of(recipe, revealed):  # formula anju-seed-1
    parts = [("bureau", revealed["bureau_secret"]), ("public_source", recipe["public_source"]),
             ("public_date", recipe["public_date"]), ("public_value", revealed["public_value"])]
    secrets = {w["name"]: w["secret"] for w in revealed["witnesses"]}
    parts += [("witness:" + w["name"], secrets.get(w["name"], "")) for w in recipe["witnesses"]]
    text = "anju-seed-1\n" + "".join(f"{k}\n{len(v.encode())}\n{v}\n" for k, v in parts)
    return sha(text.encode())


def lottery(seed, applicant_id):
    return int.from_bytes(hashlib.sha256(f"{seed}:{applicant_id}".encode()).digest()[:8], "big")


def corrected(folder):
    """A corrected result notice: it names the notice it supersedes and has corrections.csv."""
    try:
        with open(os.path.join(folder, "notice.json"), "rb") as f:
            says = json.loads(f.read()).get("supersedes") is not None
    except (OSError, ValueError, AttributeError):
        says = False
    return says or os.path.exists(os.path.join(folder, "corrections.csv"))


def load(folder, kind):
    files = {}
    names = TABLES[kind] + (["corrections.csv"] if kind == "result" and corrected(folder) else [])
    for name in ["manifest.json", "notice.json"] + names:
        try:
            with open(os.path.join(folder, name), "rb") as f:
                files[name] = f.read()
        except OSError:
            problems.append(f"{folder}/{name}: missing")
    digests = {n: sha(b) for n, b in files.items() if n != "manifest.json"}
    own = sha("".join(f"{digests.get(n, '')}  {n}\n" for n in sorted(["notice.json"] + names)).encode())
    try:
        manifest = json.loads(files["manifest.json"])
        listed = {e["name"]: e["sha256"] for e in manifest["files"]}
        if manifest.get("kind") != kind or sorted(listed) != sorted(["notice.json"] + names):
            problems.append(f"{folder}/manifest.json: not a {kind} notice's manifest")
        for n, d in digests.items():
            if listed.get(n) != d:
                problems.append(f"{folder}/{n}: its SHA-256 is {d}, the manifest says {listed.get(n)}")
        if manifest.get("notice_sha256") != own:
            problems.append(f"{folder}/manifest.json: notice_sha256 is {manifest.get('notice_sha256')}, the files give {own}")
    except (KeyError, ValueError, TypeError) as e:
        problems.append(f"{folder}/manifest.json: unreadable ({e})")
    try:
        notice = json.loads(files.get("notice.json", b"{}"))
        if notice.get("format") != FORMAT or notice.get("kind") != kind:
            problems.append(f"{folder}/notice.json: not a {FORMAT} {kind} notice")
    except ValueError as e:
        notice = {}
        problems.append(f"{folder}/notice.json: unreadable ({e})")
    tables = {}
    for name in names:
        text = files.get(name, b"").decode("utf-8", "replace")
        if "\r" in text or not text.endswith("\n"):
            problems.append(f"{folder}/{name}: lines must end with LF only")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows or ",".join(rows[0]) != HEADERS[name]:
            problems.append(f"{folder}/{name}:1: the header must be exactly {HEADERS[name]}")
            rows = [[]]
        width = len(HEADERS[name].split(","))
        tables[name] = [(i + 2, r) for i, r in enumerate(rows[1:]) if len(r) == width or problems.append(
            f"{folder}/{name}:{i + 2}: {len(r)} fields, the header has {width}")]
    return own, notice, tables


def whole(text):
    return int(text) if text.isdigit() and (text == "0" or text[0] != "0") else None


def check_corrections(folder, notice, rows, outcomes):
    """Each correction changes one applicant of the draw from what they were (the draw, or
    their previous correction) to something else; reported, never merged into the draw."""
    at = f"{folder}/notice.json"
    sup = notice.get("supersedes")
    if not isinstance(sup, str) or len(sup) != 64 or any(c not in "0123456789abcdef" for c in sup):
        problems.append(f"{at}: supersedes must be the SHA-256 of the superseded notice")
    if not isinstance(notice.get("corrected_at"), str):
        problems.append(f"{at}: corrected_at is missing")
    if notice.get("corrections") != len(rows) or isinstance(notice.get("corrections"), bool):
        problems.append(f"{at}: corrections is {notice.get('corrections')}, corrections.csv has {len(rows)}")
    if not rows:
        problems.append(f"{folder}/corrections.csv: a corrected notice lists at least one correction")
    now = dict(outcomes)
    for k, (line, (seq, aid, ob, pb, oa, pa, objection, reason)) in enumerate(rows):
        here = f"{folder}/corrections.csv:{line}"
        if seq != str(k + 1):
            problems.append(f"{here}: seq {seq}, expected {k + 1}")
        if aid not in now:
            problems.append(f"{here}: {aid} is not in the draw's results.csv")
            continue
        bad = [(o, p) for o, p in ((ob, pb), (oa, pa)) if o not in ("offered", "unmatched", "ineligible") or (o == "offered") != (p != "")]
        if bad:
            problems.append(f"{here}: outcome {bad[0][0]!r} with project {bad[0][1]!r}")
            continue
        if (ob, pb) != now[aid]:
            problems.append(f"{here}: before is {ob} {pb}, but {aid} was {now[aid][0]} {now[aid][1]}")
        if (oa, pa) == now[aid]:
            problems.append(f"{here}: after is no change")
        if objection and whole(objection) in (None, 0):
            problems.append(f"{here}: objection_id {objection!r} is not an objection number")
        if reason not in REASONS:
            problems.append(f"{here}: reason {reason!r} is not one of {sorted(REASONS)}")
        now[aid] = (oa, pa)
    if not problems:
        print(f"{folder}: a corrected result notice; {len(rows)} outcome(s) changed after the draw (the draw is unchanged):")
        for _, (seq, aid, ob, pb, oa, pa, objection, reason) in rows:
            print(f"  {seq}. {aid}: {ob} {pb} -> {oa} {pa} ({reason}{', objection ' + objection if objection else ''})")


def main(base):
    pre_dir, res_dir = os.path.join(base, "pre-draw"), os.path.join(base, "result")
    if not os.path.isdir(pre_dir):
        print(f"{pre_dir} is missing", file=sys.stderr)
        return 66
    pre_sha, pre, t = load(pre_dir, "pre_draw")
    pool = [r for _, r in t["pool.csv"]]
    ids = [r[0] for r in pool]
    if ids != sorted(set(ids), key=lambda s: s.encode()):
        problems.append(f"{pre_dir}/pool.csv: applicant ids are not each once in byte order")
    places = {r[0]: whole(r[2]) for _, r in t["places.csv"]}
    counts = pre.get("counts", {})
    by_cat = {c: sum(1 for r in pool if r[1] == c) for c in ("frontline_worker", "general", "youth_talent")}
    if counts.get("applicants") != len(pool) or counts.get("by_category") != by_cat \
            or counts.get("places") != sum(p or 0 for p in places.values()) or counts.get("projects") != len(places):
        problems.append(f"{pre_dir}/notice.json: counts do not add up to pool.csv and places.csv")
    recipe = pre.get("seed_recipe", {})
    if recipe.get("formula") != "anju-seed-1":
        problems.append(f"{pre_dir}/notice.json: seed_recipe.formula is not anju-seed-1")
    if os.path.isdir(res_dir):
        _, res, r = load(res_dir, "result")
        at = f"{res_dir}/notice.json"
        if res.get("pre_draw_notice") != pre_sha:
            problems.append(f"{at}: pre_draw_notice is {res.get('pre_draw_notice')}, the pre-draw notice's SHA-256 is {pre_sha}")
        if res.get("seed_recipe") != recipe:
            problems.append(f"{at}: seed_recipe is not the one the pre-draw notice published")
        if res.get("round_id") != pre.get("round_id") or res.get("snapshot_digest") != pre.get("snapshot_digest"):
            problems.append(f"{at}: round_id or snapshot_digest differ from the pre-draw notice's")
        seed = None
        try:
            rev = res["revealed"]
            if sha(rev["bureau_secret"].encode()) != recipe["bureau_commitment"]:
                problems.append(f"{at}: revealed.bureau_secret does not match the bureau's commitment")
            secrets = {w["name"]: w["secret"] for w in rev["witnesses"]}
            if sorted(secrets) != sorted(w["name"] for w in recipe["witnesses"]):
                problems.append(f"{at}: revealed.witnesses are not the recipe's witnesses")
            for w in recipe["witnesses"]:
                if sha(secrets.get(w["name"], "").encode()) != w["commitment"]:
                    problems.append(f"{at}: revealed.witness {w['name']} does not match its commitment")
            seed = seed_of(recipe, rev)
            if res.get("seed") != seed:
                problems.append(f"{at}: seed is {res.get('seed')}, the revealed parts form {seed}")
        except (KeyError, TypeError, AttributeError) as e:
            problems.append(f"{at}: revealed parts unreadable ({e})")
        results = r["results.csv"]
        if [row[:3] for _, row in results] != pool:
            problems.append(f"{res_dir}/results.csv: applicants, categories or points are not the pre-draw pool's")
        offered, tally = {}, {"offered": 0, "unmatched": 0, "ineligible": 0}
        for line, (aid, _, points, number, outcome, project) in results:
            if seed is not None and number != str(lottery(seed, aid)):
                problems.append(f"{res_dir}/results.csv:{line}: lottery_number {number}, the seed gives {lottery(seed, aid)}")
            if outcome not in tally or (outcome == "offered") != (project != "") or (project and project not in places):
                problems.append(f"{res_dir}/results.csv:{line}: outcome {outcome!r} with project {project!r}")
                continue
            tally[outcome] += 1
            if outcome == "offered":
                offered[aid] = (project, points, number)
        c = res.get("counts", {})
        if c != dict(tally, applicants=len(results), places=sum(p or 0 for p in places.values())):
            problems.append(f"{at}: counts do not add up to results.csv")
        listed, per = set(), {}
        for line, (project, rank, aid, points, number) in r["offers.csv"]:
            if offered.get(aid) != (project, points, number) or aid in listed:
                problems.append(f"{res_dir}/offers.csv:{line}: {aid} is not offered at {project} in results.csv as listed")
            listed.add(aid)
            per.setdefault(project, []).append((line, whole(rank), -(whole(points) or 0), int(number) if number.isdigit() else 0, aid))
        if listed != set(offered):
            problems.append(f"{res_dir}/offers.csv: not every offered applicant is listed once")
        projects = [p for _, (p, *_) in r["offers.csv"]]
        if projects != sorted(projects, key=lambda s: s.encode()):
            problems.append(f"{res_dir}/offers.csv: projects are not in byte order")
        for project, rows in per.items():
            if len(rows) > (places.get(project) or 0):
                problems.append(f"{res_dir}/offers.csv: {len(rows)} offers at {project}, which has {places.get(project)} places")
            for k, row in enumerate(rows):
                if row[1] != k + 1:
                    problems.append(f"{res_dir}/offers.csv:{row[0]}: rank {row[1]}, expected {k + 1}")
                if k and (rows[k - 1][2], rows[k - 1][3], rows[k - 1][4].encode()) > (row[2], row[3], row[4].encode()):
                    problems.append(f"{res_dir}/offers.csv:{row[0]}: {row[4]} comes before {rows[k - 1][4]} in priority order")
        if "corrections.csv" in r:
            check_corrections(res_dir, res, r["corrections.csv"], {aid: (o, p) for _, (aid, _, _, _, o, p) in results})
    for p in problems[:50]:
        print(p, file=sys.stderr)
    print(f"{base}: {'verifies' if not problems else f'does NOT verify ({len(problems)} problem(s))'}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    sys.exit(main(sys.argv[1]))
