"""The status page in a real headless Chromium, driven through WebDriver (Selenium with
Debian's chromium and chromium-driver; nothing is downloaded).

What a person on a phone does: open /, sign in with a wrong token (refused), sign in with
the right one (the offer is shown, the token never reaches the address bar), accept; a
second applicant opens "Decline…", types a reason and declines; a third reads the page in
zh-CN: the engine's reason and where they stand in Chinese (no English sentence), the offer deadline in the
city's zone (Beijing time by default), places by project name; a fourth person applies
through /apply in zh-CN, is refused once (a wrong phone number, shown at its field) and then
sees the token page and their pending status. The page runs no script of its own: every step
is a real click or keystroke, and the
browser's console must hold no Content-Security-Policy violation (the stylesheet must load
under `style-src 'self'`).

Usage: browser_check.py --base URL --tokens tokens.csv --waiting waiting.csv --screenshots DIR
(tokens.csv: offered applicants, applicant_id,token; waiting.csv: applicants not offered).
"""

import argparse
import csv
import json
import os
import re
import shutil
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait
from selenium.common.exceptions import WebDriverException

CHECKS = []


def check(condition, what):
    """Records a check; stops with a message on the first failure."""
    if not condition:
        sys.exit(f"browser check failed after {len(CHECKS)} passed: {what}")
    CHECKS.append(what)


def browser(language):
    """A headless Chromium the size of a phone, asking for `language` first."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=412,915", f"--lang={language}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(20)
    return driver


def submit(driver, button):
    """Clicks a form's button and waits until the browser shows the page the POST answered."""
    page = driver.find_element(By.TAG_NAME, "html")
    button.click()

    def replaced(_):
        # chromedriver sometimes reports the old page's node as "not in the document" with a
        # plain WebDriverException instead of StaleElementReferenceException: the same fact.
        try:
            return expected_conditions.staleness_of(page)(driver)
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise

    WebDriverWait(driver, 15).until(replaced)
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(driver, base, applicant, token):
    driver.get(base + "/")
    driver.find_element(By.NAME, "applicant_id").send_keys(applicant)
    driver.find_element(By.NAME, "token").send_keys(token)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/status'] button[type=submit]"))


def expect_clean_console(driver, page):
    """No CSP violation or script error in the console. HTTP statuses are logged there too
    ("Failed to load resource": the 401 of a wrong token, the favicon's 404): expected."""
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        if "Failed to load resource" in message:
            continue
        check("Content Security Policy" not in message and entry.get("level") != "SEVERE",
              f"{page}: console: {message}")


def english_runs(text):
    """Runs of three or more ASCII words (an English sentence); single names such as a
    district ("Jing'an") or a zone are data, not sentences."""
    runs, words = [], []
    for token in re.split(r"([A-Za-z']+)", text):
        if re.fullmatch(r"[A-Za-z']+", token):
            words.append(token)
        elif re.fullmatch(r"[ ,\-]*", token):
            continue
        else:
            if len(words) >= 3:
                runs.append(" ".join(words))
            words = []
    if len(words) >= 3:
        runs.append(" ".join(words))
    return runs


def dd_after(driver, label):
    """The text of the <dd> after the <dt> reading `label`, or None."""
    for dt in driver.find_elements(By.CSS_SELECTOR, "dl dt"):
        if dt.text == label:
            return dt.find_element(By.XPATH, "following-sibling::dd[1]").text
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--waiting", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--admin-key", required=True)
    arguments = parser.parse_args()
    base = arguments.base.rstrip("/")
    with open(arguments.tokens, newline="") as f:
        offered = [(row["applicant_id"], row["token"]) for row in csv.DictReader(f)]
    with open(arguments.waiting, newline="") as f:
        waiting = [(row["applicant_id"], row["token"]) for row in csv.DictReader(f)]
    os.makedirs(arguments.screenshots, exist_ok=True)
    shot = lambda driver, name: driver.save_screenshot(os.path.join(arguments.screenshots, name))

    driver = browser("en-US,en")
    try:
        (a, token_a), (b, token_b) = offered[0], offered[1]
        driver.get(base + "/")
        check("Anju" in driver.title, "GET / has the page title")
        main_width = driver.find_element(By.TAG_NAME, "main").value_of_css_property("max-width")
        check(main_width == "576px", f"the stylesheet applies under the CSP (main max-width {main_width})")
        shot(driver, "sign-in.png")
        expect_clean_console(driver, "/")

        sign_in(driver, base, a, "not-the-token")
        check("do not match" in driver.page_source, "a wrong token is refused with the friendly message")
        check(driver.find_element(By.NAME, "applicant_id").get_attribute("value") == a, "the id is kept for a retry")

        sign_in(driver, base, a, token_a)
        check("You have an offer" in driver.page_source, "the right token shows the offer")
        check(driver.current_url == base + "/status", f"no credentials in the address bar ({driver.current_url})")
        check(token_a not in driver.current_url, "the token is not in the URL")
        labels = [dt.text for dt in driver.find_elements(By.CSS_SELECTOR, "dl dt")]
        for label in ("Project", "District", "Rent", "Answer by"):
            check(label in labels, f"the offer shows {label}")
        deadline = dd_after(driver, "Answer by") or ""
        check(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d \(Asia/Shanghai, UTC\+8\)", deadline),
              f"the deadline in the city's zone ({deadline})")
        shot(driver, "offer.png")
        expect_clean_console(driver, "/status")

        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/status/accept'] button"))
        check("Welcome home" in driver.page_source, "accepting through the form")
        check("Housed" in driver.page_source, "the page then shows the applicant housed")
        shot(driver, "accepted.png")

        sign_in(driver, base, b, token_b)
        decline = driver.find_element(By.CSS_SELECTOR, "form[action='/status/decline'] button")
        check(not decline.is_displayed(), "the decline form is folded away until asked for")
        driver.find_element(By.CSS_SELECTOR, "details summary").click()
        driver.find_element(By.NAME, "reason").send_keys("太远了 & too far")
        submit(driver, decline)
        check("You declined the offer." in driver.page_source, "declining with a reason through the form")
        check("Refusals so far: 1" in driver.page_source, "the refusal is counted")
        expect_clean_console(driver, "/status/decline")
    finally:
        driver.quit()

    driver = browser("zh-CN")
    try:
        driver.get(base + "/")
        check("申请编号" in driver.page_source, "zh-CN by Accept-Language")
        applicant, token = waiting[0]
        sign_in(driver, base, applicant, token)
        page = driver.page_source
        check(any(label in page for label in ("等待下一轮分配", "上一轮未能匹配到房源", "上一轮没有符合条件的房源")),
              "a waiting applicant's state in zh-CN")
        check("历次分配记录" in page, "the round history heading in zh-CN")
        shot(driver, "zh-CN.png")
        expect_clean_console(driver, "/status (zh-CN)")

        # Reasons in Chinese: every applicant not offered reads one, none in English.
        kinds = set()
        for applicant, token in waiting[:12]:
            sign_in(driver, base, applicant, token)
            reasons = driver.find_elements(By.CSS_SELECTOR, "blockquote")
            check(len(reasons) == 1, f"{applicant}: one reason on the page")
            reason = reasons[0]
            check(reason.get_attribute("lang") == "zh-CN", f"{applicant}: the reason is marked zh-CN")
            check(re.search(r"[\u4e00-\u9fff]", reason.text), f"{applicant}: the reason is Chinese ({reason.text})")
            body = driver.find_element(By.TAG_NAME, "main").text
            check(not english_runs(body), f"{applicant}: no English sentence in the zh-CN page: {english_runs(body)}")
            kinds.add("unmatched" if "上一轮未能匹配到房源" in body else "ineligible")
            # Where they stand, in Chinese, on a phone-wide page with no sideways scrolling.
            standing = driver.find_elements(By.CSS_SELECTOR, "section.standing")
            check(len(standing) == 1, f"{applicant}: one standing section")
            text = standing[0].text
            check(text.startswith("您的排位") and "优先顺位" in text, f"{applicant}: the standing in zh-CN ({text[:80]})")
            check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"),
                  f"{applicant}: the standing fits the phone's width")
        shot(driver, "zh-CN-reason.png")
        check(kinds, f"reasons read in zh-CN for {sorted(kinds)}")

        # An offer read in zh-CN: its deadline in Beijing time, its place by project name.
        applicant, token = offered[2]
        sign_in(driver, base, applicant, token)
        deadline = dd_after(driver, "答复截止") or ""
        check(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d（北京时间，UTC\+8）", deadline),
              f"the deadline in Beijing time ({deadline})")
        project = dd_after(driver, "项目") or ""
        check(project and project in driver.find_element(By.CSS_SELECTOR, "ol.history").text,
              f"the history names the project {project}")
        shot(driver, "zh-CN-offer.png")
        expect_clean_console(driver, "/status (zh-CN offer)")
    finally:
        driver.quit()

    driver = browser("zh-CN")
    try:
        apply_in_chinese(driver, base, shot)
    finally:
        driver.quit()

    # Where you stand, in English.
    driver = browser("en-US,en")
    try:
        for applicant, token in waiting[:6]:
            sign_in(driver, base, applicant, token)
            standing = driver.find_elements(By.CSS_SELECTOR, "section.standing")
            check(len(standing) == 1, f"{applicant}: one standing section in English")
            text = standing[0].text
            check(text.startswith("Where you stand"), f"{applicant}: the standing heading in English ({text[:60]})")
            check("priority" in text.lower(), f"{applicant}: the priority position in English ({text[:160]})")
        shot(driver, "en-standing.png")
    finally:
        driver.quit()

    # Appeals: the two suspended applicants (offered[3], offered[4] declined their offers
    # before the run) file through the page; the bureau answers over the admin API.
    appeal_through_page(base, offered[3], "zh-CN", arguments.admin_key, "uphold", shot)
    appeal_through_page(base, offered[4], "en-US,en", arguments.admin_key, "reinstate", shot)

    print(f"browser: {len(CHECKS)} checks passed in headless Chromium")


def admin(base, key, method, path, body=None):
    """The bureau's side, over the admin API."""
    request = urllib.request.Request(
        base + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def appeal_through_page(base, credentials, language, admin_key, answer, shot):
    """A suspended applicant appeals through the status page in `language`; the bureau
    answers (`uphold` or `reinstate`); the page then shows the answer in that language."""
    applicant, token = credentials
    chinese = language == "zh-CN"
    driver = browser(language)
    try:
        sign_in(driver, base, applicant, token)
        page = driver.find_element(By.TAG_NAME, "main").text
        suspended = "暂停" if chinese else "uspended"
        check(suspended in page, f"{applicant}: the suspended state in {language}")
        reason = "家中老人住院，需要陪护，无法按时入住。" if chinese else "My mother was in hospital and I could not move that month."
        driver.find_element(By.ID, "appeal_reason").send_keys(reason)
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/status/appeal'] button"))
        page = driver.find_element(By.TAG_NAME, "main").text
        received = "申诉已收到" if chinese else "Appeal received"
        check(received in page, f"{applicant}: the appeal is received, in {language}")
        check(reason in page, f"{applicant}: the page shows what they wrote")
        check(not driver.find_elements(By.ID, "appeal_reason"), f"{applicant}: no second appeal while one is open")
        if chinese:
            check(not english_runs(page), f"{applicant}: no English sentence on the zh-CN appeal page: {english_runs(page)}")
        shot(driver, f"appeal-open-{language[:2]}.png")
        expect_clean_console(driver, f"/status/appeal ({language})")

        appeals = admin(base, admin_key, "GET", "/v1/appeals?status=open")["appeals"]
        mine = [a for a in appeals if a["applicant_id"] == applicant]
        check(len(mine) == 1, f"{applicant}: the bureau lists the open appeal")
        appeal_id = mine[0]["appeal_id"]
        if answer == "uphold":
            admin(base, admin_key, "POST", f"/v1/appeals/{appeal_id}/uphold",
                  {"reason": "missing_evidence", "note": "请补充住院证明。"})
        else:
            admin(base, admin_key, "POST", f"/v1/appeals/{appeal_id}/reinstate", {"note": "Hospital letter seen."})

        sign_in(driver, base, applicant, token)
        page = driver.find_element(By.TAG_NAME, "main").text
        if answer == "uphold":
            check("申诉未获支持" in page, f"{applicant}: the upheld appeal in zh-CN")
            check("您的理由可能成立，但缺少相应证明材料。" in page, f"{applicant}: the bureau's reason in zh-CN")
            check("请补充住院证明。" in page, f"{applicant}: the bureau's note")
            check(driver.find_elements(By.ID, "appeal_reason"), f"{applicant}: still suspended, may appeal again")
        else:
            check("Appeal granted" in page, f"{applicant}: the granted appeal in English")
            check("Hospital letter seen." in page, f"{applicant}: the bureau's note")
            check(not driver.find_elements(By.ID, "appeal_reason"), f"{applicant}: reinstated, no appeal form")
            # Project names are data (Chinese in this city): only the page's own words must be English.
            words = driver.find_element(By.CSS_SELECTOR, "h4.appeal").text + dd_after(driver, "You wrote")
            check(not re.search(r"[\u4e00-\u9fff]", words), f"{applicant}: the appeal in English ({words})")
        if chinese:
            check(not english_runs(page), f"{applicant}: no English sentence on the zh-CN answer: {english_runs(page)}")
        check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"),
              f"{applicant}: the appeal fits the phone's width")
        shot(driver, f"appeal-{answer}-{language[:2]}.png")
    finally:
        driver.quit()


def fill(driver, name, text):
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)


def apply_in_chinese(driver, base, shot):
    """Applies through /apply in zh-CN: a wrong phone number first (the form comes back with
    the problem at its field, the values kept, the identity number not), then the fix; the
    token page leads to the status page by a POST form."""
    driver.get(base + "/apply")
    check("申请保障性租赁住房" in driver.page_source, "the apply form in zh-CN")
    Select(driver.find_element(By.NAME, "category")).select_by_value("general")
    fill(driver, "household_size", "2")
    Select(driver.find_element(By.NAME, "gender")).select_by_value("female")
    # The date field's segments follow the browser's locale (headless Chromium: month, day,
    # year whatever --lang says); type the digits in each usual order until the date is right.
    birth = driver.find_element(By.NAME, "birth_date")
    for digits in ("04121996", "19960412", "12041996"):
        birth.clear()
        birth.send_keys(digits)
        if birth.get_attribute("value") == "1996-04-12":
            break
    check(birth.get_attribute("value") == "1996-04-12", f"a date typed into the date field ({birth.get_attribute('value')})")
    fill(driver, "monthly_income", "6500")
    # The city's generator registers no workplace sites: the point of the workplace is asked for.
    if driver.find_elements(By.NAME, "workplace_site"):
        Select(driver.find_element(By.NAME, "workplace_site")).select_by_index(1)
    else:
        fill(driver, "work_lat", "31.2304")
        fill(driver, "work_lon", "121.4737")
        fill(driver, "work_district", "黄浦区")
    fill(driver, "max_rent", "")
    fill(driver, "name", "李小梅")
    fill(driver, "phone", "12")
    fill(driver, "identity_number", "310101199604120021")
    shot(driver, "apply-zh-CN.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/apply'] button[type=submit]"))
    page = driver.page_source
    check("请修改以下" in page, "a wrong phone number: the summary of problems")
    check("手机号码应为 5 至 20 位数字" in driver.find_element(By.ID, "phone-error").text, "the problem at the phone field, in zh-CN")
    check(driver.find_element(By.NAME, "household_size").get_attribute("value") == "2", "the values typed are kept")
    check(driver.find_element(By.NAME, "identity_number").get_attribute("value") == "", "the identity number is not echoed")
    check("310101199604120021" not in page, "the identity number is nowhere in the page")
    driver.find_element(By.CSS_SELECTOR, "a[href='#phone']").click()
    check(driver.current_url.endswith("/apply#phone"), f"the summary links to the field ({driver.current_url})")
    shot(driver, "apply-error-zh-CN.png")
    expect_clean_console(driver, "/apply (422)")

    fill(driver, "phone", "138 0013 8000")
    fill(driver, "identity_number", "310101199604120021")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/apply'] button[type=submit]"))
    page = driver.page_source
    check("您的申请已提交" in page, "the application is received")
    codes = [c.text for c in driver.find_elements(By.CSS_SELECTOR, ".secret code")]
    check(len(codes) == 2 and codes[0].startswith("ap-") and len(codes[1]) > 20, f"the number and the token are shown ({codes})")
    check(driver.current_url == base + "/apply", f"nothing in the address bar ({driver.current_url})")
    shot(driver, "applied-zh-CN.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/status'] button"))
    check("已收到：住房保障部门正在审核您的申请" in driver.page_source, "the new applicant's status: being reviewed")
    check(codes[1] not in driver.current_url, "the token is not in the URL")
    check(driver.find_elements(By.CSS_SELECTOR, "form[action='/status/details']"), "the change-my-details form is offered")
    expect_clean_console(driver, "/status (pending, zh-CN)")


if __name__ == "__main__":
    main()
