"""Drives plenar-sandbox's approval page in a real headless Chromium, from what
`plenar login --no-browser --json` prints to a stored login.

Usage: login_browser.py PLENAR API_URL CONFIG_HOME
Starts `plenar login --no-browser --json` (XDG_CONFIG_HOME=CONFIG_HOME), reads the URL and code
from its first stderr line, opens the URL in Chromium (Selenium, chromium-driver), signs in as
the first demo user, checks the page shows the same code, approves, and waits for plenar.
Prints one JSON line: plenar's exit status, the code it printed, the code the page showed, and
its stdout. Exit 0 when every step ran; 3 when a step failed (the reason on stderr).
"""
import json
import os
import subprocess
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def main() -> int:
    plenar, api_url, config_home = sys.argv[1:4]
    env = {"PATH": "/usr/bin:/bin", "HOME": config_home, "XDG_CONFIG_HOME": config_home, "PLENAR_API_URL": api_url}
    login = subprocess.Popen(
        [plenar, "login", "--no-browser", "--json", "--timeout", "120s"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )
    announced = json.loads(login.stderr.readline())
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.set_page_load_timeout(60)
        driver.get(announced["verification_url_complete"])
        wait = WebDriverWait(driver, 60)
        wait.until(expected_conditions.element_to_be_clickable((By.ID, "signin-button")))
        driver.find_elements(By.CSS_SELECTOR, "input[type=radio][name=user]")[0].click()
        driver.find_element(By.ID, "signin-button").click()
        shown = wait.until(expected_conditions.presence_of_element_located((By.ID, "user-code"))).text
        driver.find_element(By.ID, "approve").click()
        wait.until(expected_conditions.presence_of_element_located((By.ID, "approved")))
    finally:
        driver.quit()
    stdout, stderr = login.communicate(timeout=120)
    print(json.dumps({"status": login.returncode, "printed_code": announced["user_code"], "page_code": shown, "stdout": stdout}))
    sys.stderr.write(stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # noqa: BLE001 - report any failure as exit 3
        sys.stderr.write(f"login_browser.py: {type(error).__name__}: {error}\n")
        sys.exit(3)
