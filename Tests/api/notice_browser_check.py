"""The public notice pages in a real headless Chromium (Selenium, Debian's chromium and
chromium-driver): no sign-in; the list of rounds, a round's notices, a notice in zh-CN and
in en; a reference typed into the search form finds its one row; the next page is a click
away; every page and download link is on this origin; the console holds no
Content-Security-Policy violation; the page prints to an A4 PDF.

Usage: notice_browser_check.py --base URL --round R --reference APPLICANT_ID [--screenshots DIR]
"""

import argparse
import base64
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

sys.path.insert(0, os.path.dirname(__file__))
from browser_check import CHECKS, browser, check, expect_clean_console, submit  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--round", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    for language, heading, next_label in (("zh-CN", "住房分配公示", "下一页"), ("en", "Housing allocation notices", "Next")):
        driver = browser(language)
        try:
            driver.get(args.base + "/notices")
            check(heading in driver.find_element(By.TAG_NAME, "h1").text, f"{language}: /notices heading")
            driver.find_element(By.CSS_SELECTOR, f"a[href='/notices/{args.round}']").click()
            links = driver.find_elements(By.CSS_SELECTOR, "main li a")
            check(len(links) >= 1, f"{language}: the round lists its notices")
            links[0].click()
            check(driver.find_element(By.CSS_SELECTOR, "table tbody tr") is not None, f"{language}: the notice shows rows")
            rows_first = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table tbody tr")]
            check(len(rows_first) == 100, f"{language}: 100 rows on the first page, got {len(rows_first)}")
            submit(driver, driver.find_element(By.LINK_TEXT, next_label))
            check("page=2" in driver.current_url, f"{language}: the next page link")
            rows_second = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table tbody tr")]
            check(rows_second and rows_second[0] != rows_first[0], f"{language}: page 2 shows other rows")
            box = driver.find_element(By.NAME, "ref")
            box.clear()
            box.send_keys(args.reference)
            submit(driver, driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
            found = driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
            check(len(found) == 1 and args.reference in found[0].text, f"{language}: search finds {args.reference}")
            for a in driver.find_elements(By.CSS_SELECTOR, "a[href]"):
                check(a.get_attribute("href").startswith(args.base), f"{language}: link on this origin: {a.get_attribute('href')}")
            expect_clean_console(driver, f"{language} notice")
            a4 = PrintOptions()
            a4.page_width, a4.page_height = 21.0, 29.7
            pdf = base64.b64decode(driver.print_page(a4))
            check(pdf.startswith(b"%PDF") and b"/MediaBox [0 0 595" in pdf, f"{language}: prints on A4")
            if args.screenshots:
                os.makedirs(args.screenshots, exist_ok=True)
                driver.save_screenshot(os.path.join(args.screenshots, f"notice-{language}.png"))
        finally:
            driver.quit()
    print(f"notice browser check: {len(CHECKS)} checks passed")


if __name__ == "__main__":
    main()
