"""A public notice's whole life in a real headless Chromium (Selenium, Debian's chromium and
chromium-driver), with the bureau's side through the CLI and the admin API:

freeze (done by the caller) → the pre-draw notice page shows the applicant → the applicant
objects to their place in the pool through the status page's form (POST /status/objection)
→ the bureau upholds it and freezes the round again → the old notice page says superseded
and links the new one → the draw → the result notice page shows the applicant → the
applicant objects to their outcome through the status page → the bureau upholds it and
publishes a corrected result notice → the status page shows the answer; the corrected
notice lists the correction, the old result notice links to it. Both notices' JSON
downloads are read too.

The draw needs the public date to have come, and the freeze needs it to be after the city's
today: the city's time zone is set to UTC-12 for the freeze (the public date the next day
there) and to UTC+14 for the draw (always at least that next day), then set back.

Usage: notice_flow_check.py --base URL --anju PATH --round R --waiting waiting.csv --admin-key KEY [--screenshots DIR]
(DATABASE_URL, ANJU_CITY and ANJU_ACTOR in the environment, for the CLI.)
"""

import argparse
import csv
import datetime
import hashlib
import json
import os
import subprocess
import sys
import urllib.request
import zoneinfo

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(__file__))
from browser_check import CHECKS, admin, browser, check, expect_clean_console, sign_in, submit  # noqa: E402


def anju(path, *args):
    """Runs the CLI; stops the check with its output when it fails."""
    run = subprocess.run([path, *args], capture_output=True, text=True, timeout=600)
    check(run.returncode == 0, f"anju {' '.join(args)}: exit {run.returncode}\n{run.stdout}\n{run.stderr}")
    return run.stdout


def get_json(url):
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.loads(response.read())


def notice_links(driver, base, round_id):
    """The round's notices as listed on /notices/{round}, newest first: (href, is_current)."""
    driver.get(f"{base}/notices/{round_id}")
    items = driver.find_elements(By.CSS_SELECTOR, "main li")
    return [(li.find_element(By.TAG_NAME, "a").get_attribute("href"), not li.find_elements(By.CSS_SELECTOR, ".superseded"))
            for li in items]


def search(driver, reference):
    box = driver.find_element(By.NAME, "ref")
    box.clear()
    box.send_keys(reference)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
    return [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table tbody tr")]


def object_on_status_page(driver, base, applicant, token, notice_id, kind, text):
    """Signs in, fills the objection form of `notice_id`, sends it; returns the page's text."""
    sign_in(driver, base, applicant, token)
    forms = [f for f in driver.find_elements(By.CSS_SELECTOR, "form[action='/status/objection']")
             if f.find_element(By.NAME, "notice_id").get_attribute("value") == str(notice_id)]
    check(len(forms) == 1, f"{applicant}: the status page offers a form for notice {notice_id}")
    check(forms[0].find_element(By.NAME, "kind").get_attribute("value") == kind, f"{applicant}: a {kind} objection")
    forms[0].find_element(By.NAME, "text").send_keys(text)
    submit(driver, forms[0].find_element(By.CSS_SELECTOR, "button[type=submit]"))
    page = driver.find_element(By.TAG_NAME, "main").text
    check("Your objection was sent" in page and text in page, f"{applicant}: the {kind} objection is received")
    return page


def main():
    parser = argparse.ArgumentParser()
    for name in ("--base", "--anju", "--round", "--waiting", "--admin-key"):
        parser.add_argument(name, required=True)
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    base, round_id = args.base, args.round

    def shot(driver, name):
        if args.screenshots:
            os.makedirs(args.screenshots, exist_ok=True)
            driver.save_screenshot(os.path.join(args.screenshots, name))

    driver = browser("en-US,en")
    try:
        # The current pre-draw notice, and a waiting applicant with a token who is in its pool
        # (the last such: browser_check.py works with the first ones).
        listed = notice_links(driver, base, round_id)
        check(len(listed) == 1 and listed[0][1], f"{round_id}: one current pre-draw notice")
        first_url = listed[0][0]
        first_id = int(first_url.rstrip("/").split("/")[-1])
        pool = get_json(f"{first_url}/pool.json")
        check(pool["file"] == "pool.csv" and pool["rows"], "the pool's JSON download has rows")
        in_pool = {row["applicant_id"] for row in pool["rows"]}
        with open(args.waiting, newline="") as f:
            waiting = [(r["applicant_id"], r["token"]) for r in csv.DictReader(f)]
        applicant, token = [w for w in waiting if w[0] in in_pool][-1]

        driver.get(first_url)
        found = search(driver, applicant)
        check(len(found) == 1 and applicant in found[0], f"the pre-draw notice shows {applicant}")

        # The applicant objects to their place in the pool, on the status page.
        object_on_status_page(driver, base, applicant, token, first_id, "pool",
                              "My priority points should include my years of service.")
        shot(driver, "flow-pool-objection.png")
        mine = [o for o in admin(base, args.admin_key, "GET", "/v1/objections?status=open")["objections"]
                if o["applicant_id"] == applicant]
        check(len(mine) == 1 and mine[0]["notice_id"] == first_id and mine[0]["kind"] == "pool",
              "the bureau lists the pool objection")
        admin(base, args.admin_key, "POST", f"/v1/objections/{mine[0]['objection_id']}/answer",
              {"decision": "upheld", "reply": "Your years of service were missed; the pool is frozen again."})

        # The bureau freezes again: a new pre-draw notice supersedes the objected one.
        secret = "flow check secret"
        commitment = hashlib.sha256(secret.encode()).hexdigest()
        anju(args.anju, "city", "set", "--time-zone", "Etc/GMT+12")
        public_date = (datetime.datetime.now(zoneinfo.ZoneInfo("Etc/GMT+12")).date() + datetime.timedelta(days=1)).isoformat()
        anju(args.anju, "round", "freeze", round_id, "--bureau-commitment", commitment,
             "--public-source", "SSE Composite close", "--public-date", public_date)
        driver.get(first_url)
        banner = driver.find_element(By.CSS_SELECTOR, "p.banner")
        check("has been superseded" in banner.text, "the old pre-draw notice says superseded")
        banner.find_element(By.TAG_NAME, "a").click()
        second_url = driver.current_url.split("?")[0]
        check(second_url != first_url and notice_links(driver, base, round_id)[0] == (second_url, True),
              "the superseded notice links the current one")
        driver.get(second_url)
        check(first_url.split(base)[1] in driver.find_element(By.CSS_SELECTOR, "p.banner a").get_attribute("href"),
              "the new notice says which it supersedes")
        check(len(search(driver, applicant)) == 1, f"the new pre-draw notice shows {applicant}")
        second_id = int(second_url.rstrip("/").split("/")[-1])
        sign_in(driver, base, applicant, token)
        page = driver.find_element(By.TAG_NAME, "main").text
        check("Objection upheld" in page and f"notice {second_id} replaces notice {first_id}" in page,
              "the status page shows the upheld pool objection and the notice that replaced it")
        shot(driver, "flow-refrozen.png")

        # The public date comes (in UTC+14 it always has): the draw and the result notice.
        anju(args.anju, "city", "set", "--time-zone", "Etc/GMT-14")
        anju(args.anju, "round", "draw", round_id, "--bureau-secret", secret, "--public-value", "3301.52")
        listed = notice_links(driver, base, round_id)
        current = [url for url, is_current in listed if is_current]
        check(len(listed) == 3 and len(current) == 2, "the round lists three notices, two current (pre-draw and result)")
        driver.get(listed[0][0])
        result_url = driver.current_url.split("?")[0]
        result_id = int(result_url.rstrip("/").split("/")[-1])
        check("Result notice" in driver.find_element(By.TAG_NAME, "h1").text, "the newest notice is the result notice")
        rows = search(driver, applicant)
        check(len(rows) == 1 and applicant in rows[0], f"the result notice shows {applicant}")
        results = get_json(f"{result_url}/results.json")
        row = [r for r in results["rows"] if r["applicant_id"] == applicant]
        check(len(row) == 1, f"results.json lists {applicant} once")
        outcome = row[0]["outcome"]
        expect_clean_console(driver, "the result notice")

        # The applicant objects to their outcome; the bureau upholds it and corrects.
        object_on_status_page(driver, base, applicant, token, result_id, "outcome",
                              "My household grew; I should be eligible for a larger flat.")
        mine = [o for o in admin(base, args.admin_key, "GET", "/v1/objections?status=open")["objections"]
                if o["applicant_id"] == applicant]
        check(len(mine) == 1 and mine[0]["kind"] == "outcome" and mine[0]["notice_id"] == result_id,
              "the bureau lists the outcome objection")
        objection_id = mine[0]["objection_id"]
        reply = "Upheld: your household size was entered wrong; the result notice is corrected."
        admin(base, args.admin_key, "POST", f"/v1/objections/{objection_id}/answer", {"decision": "upheld", "reply": reply})
        project = next(r["project_id"] for r in results["rows"] if r["outcome"] == "offered")
        change = ["--outcome", "unmatched"] if outcome == "offered" else ["--outcome", "offered", "--project", project]
        anju(args.anju, "notice", "correct", round_id, "--applicant", applicant, *change,
             "--reason", "data_corrected", "--objection", str(objection_id))

        sign_in(driver, base, applicant, token)
        page = driver.find_element(By.TAG_NAME, "main").text
        check(reply in page and "Objection upheld" in page, "the status page shows the bureau's answer to the outcome objection")
        shot(driver, "flow-outcome-answered.png")

        driver.get(result_url)
        banner = driver.find_element(By.CSS_SELECTOR, "p.banner")
        check("has been superseded" in banner.text, "the draw's result notice says superseded")
        banner.find_element(By.TAG_NAME, "a").click()
        corrected_url = driver.current_url.split("?")[0]
        page = driver.find_element(By.TAG_NAME, "main").text
        check("This is a corrected result notice" in page, "the corrected notice says it is one")
        driver.get(corrected_url + "?table=corrections.csv")
        rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table tbody tr")]
        check(len(rows) == 1 and applicant in rows[0] and "re-assessed" in rows[0],
              f"the corrections table lists {applicant} with the reason in English: {rows}")
        corrections = get_json(f"{corrected_url}/corrections.json")["rows"]
        check(corrections == [{"seq": "1", "applicant_id": applicant, "outcome_before": outcome,
                               "project_before": row[0]["project_id"], "outcome_after": change[1],
                               "project_after": change[3] if len(change) > 2 else "", "objection_id": str(objection_id),
                               "reason": "data_corrected"}], f"corrections.json: {corrections}")
        check(get_json(f"{corrected_url}/results.json")["rows"] == results["rows"], "the draw's rows are unchanged")
        expect_clean_console(driver, "the corrected result notice")
        shot(driver, "flow-corrected.png")
    finally:
        driver.quit()
        subprocess.run([args.anju, "city", "set", "--time-zone", "Asia/Shanghai"], capture_output=True, timeout=120)
    zh = browser("zh-CN")
    try:
        zh.get(corrected_url + "?table=corrections.csv")
        check("摇号后更正" in zh.find_element(By.TAG_NAME, "main").text, "the corrections in zh-CN")
        check("申请人信息有误" in zh.find_element(By.CSS_SELECTOR, "table tbody tr").text, "the reason in zh-CN")
    finally:
        zh.quit()
    print(f"notice flow check: {len(CHECKS)} checks passed")


if __name__ == "__main__":
    main()
