"""The pages in a real browser: headless Chromium, driven by Selenium, against a real `connects serve`.

Run by ./scripts/test (which installs Chromium, its driver, Selenium, axe-selenium-python and pytest when
missing); alone: CONNECTS_BINARY=.build/debug/connects python3 -m pytest Tests/Browser.
Screenshots of every page at desktop and phone widths go to $CONNECTS_SCREENSHOTS
(default .build/screenshots).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ADMIN = "browser-test-admin-key-0123456789"
SHOTS = os.environ.get("CONNECTS_SCREENSHOTS", os.path.join(os.getcwd(), ".build", "screenshots"))
DESKTOP = (1200, 900)
PHONE = (390, 844)


class Server:
    """A `connects serve` on a fresh SQLite database and a free port, with the test clock."""

    def __init__(self, demo=False):
        self.folder = tempfile.mkdtemp(prefix="connects-browser-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        args = [os.environ["CONNECTS_BINARY"], "serve", "--database", os.path.join(self.folder, "db.sqlite"),
                "--port", str(self.port), "--admin-key", ADMIN, "--test-clock"]
        if demo:
            args.append("--demo")
        self.log = open(os.path.join(self.folder, "serve.log"), "w")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("connects serve did not start; see " + self.log.name)

    def api(self, method, path, body=None, key=ADMIN, idempotent=False):
        headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def must(self, method, path, body=None, idempotent=False):
        status, answer = self.api(method, path, body, idempotent=idempotent)
        assert status < 300, f"{method} {path}: {status} {answer}"
        return answer

    def portal_link(self, account_id):
        return self.must("POST", "/v1/portal-sessions",
                         {"accountId": account_id, "returnUrl": "https://market.example/account"})["url"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def make_browser(size=DESKTOP):
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")),
                              options=options)
    driver.set_window_size(*size)
    driver.implicitly_wait(5)
    return driver


def shows(driver, text, seconds=15):
    """Waits until the page in `driver` says `text` (a click's navigation may still be under way)."""
    try:
        WebDriverWait(driver, seconds).until(lambda d: text in d.page_source)
    except Exception:
        said = driver.find_element(By.TAG_NAME, "main").text[:300] if driver.find_elements(By.TAG_NAME, "main") else ""
        raise AssertionError(f"the page never said {text!r}: {driver.current_url} said {said!r}")
    return True


def at(driver, path, seconds=15):
    """Waits until the browser is at a URL ending with `path` (or containing it)."""
    try:
        WebDriverWait(driver, seconds).until(lambda d: path in d.current_url)
    except Exception:
        raise AssertionError(f"the browser never reached {path}: {driver.current_url}")
    return True


def look(driver, name):
    """Screenshots at desktop and phone widths; checks nothing is wider than a phone's screen and that
    axe-core finds no serious or critical problem."""
    os.makedirs(SHOTS, exist_ok=True)
    for label, size in [("desktop", DESKTOP), ("phone", PHONE)]:
        driver.set_window_size(*size)
        time.sleep(0.2)
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-{label}.png"))
        if label == "phone":
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} is {overflow}px wider than a phone's screen"
    driver.set_window_size(*DESKTOP)
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in serious)


def sentences(driver):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".movement .sentence")]


@pytest.fixture
def market():
    server = Server()
    policy = server.must("GET", "/v1/policy")["policy"]
    policy["boost"]["slots"] = 1  # one slot, so that a second bid outbids the first
    server.must("PUT", "/v1/policy", {"policy": policy})
    yield server
    server.stop()


def test_a_freelancer_sends_a_boosted_proposal_is_outbid_and_sees_every_outcome_explained(market):
    ana = market.must("POST", "/v1/accounts", {"externalId": "ana", "kind": "freelancer", "name": "Ana"})["id"]
    ben = market.must("POST", "/v1/accounts", {"externalId": "ben", "kind": "freelancer", "name": "Ben"})["id"]
    client = market.must("POST", "/v1/accounts", {"externalId": "bakery", "kind": "client"})["id"]
    logo = market.must("POST", "/v1/jobs", {"clientId": client, "title": "Logo for a bakery",
                                            "budget": {"currency": "USD", "minor": 40000}})["id"]
    menu = market.must("POST", "/v1/jobs", {"clientId": client, "title": "Menu design",
                                            "budget": {"currency": "USD", "minor": 40000}})["id"]

    driver = make_browser()
    try:
        link = market.portal_link(ana)
        driver.get(link)
        assert at(driver, "/portal/connects")
        assert driver.find_element(By.CSS_SELECTOR, ".number").text == "50"
        # The charts are images drawn by the server, each with a text alternative.
        charts = driver.find_elements(By.CSS_SELECTOR, "figure.chart img")
        assert len(charts) == 2
        WebDriverWait(driver, 15).until(
            lambda d: all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", c)
                          for c in charts))
        assert all(c.get_attribute("alt") for c in charts)
        look(driver, "connects-new")

        driver.find_element(By.LINK_TEXT, "Jobs").click()
        look(driver, "jobs")
        driver.find_element(By.LINK_TEXT, "Logo for a bakery").click()
        assert shows(driver, "Send a proposal")
        assert "Send proposal: 4 connects; you will have 46 left" in driver.find_element(By.CSS_SELECTOR, ".cost").text
        look(driver, "job")

        # A boost that is not a number: the problem at the top and beside the field, the input kept.
        driver.find_element(By.ID, "boost").send_keys("five")
        driver.find_element(By.XPATH, "//button[normalize-space()='Send proposal']").click()
        assert shows(driver, "There is a problem")
        assert "whole number" in driver.find_element(By.CSS_SELECTOR, ".field-error").text
        assert driver.find_element(By.ID, "boost").get_attribute("value") == "five"
        look(driver, "job-error")
        assert market.must("GET", f"/v1/accounts/{ana}")["balance"]["available"] == 50

        boost = driver.find_element(By.ID, "boost")
        boost.clear()
        boost.send_keys("5")
        form = {name: driver.find_element(By.NAME, name).get_attribute("value") for name in ["csrf", "once", "boost"]}
        action = driver.find_element(By.CSS_SELECTOR, "form[action$='/proposals']").get_attribute("action")
        driver.find_element(By.XPATH, "//button[normalize-space()='Send proposal']").click()
        assert at(driver, "/portal/proposals")
        assert shows(driver, "Your proposal was sent.")
        assert "4 connects; a boost of 5 is held" in driver.page_source
        assert market.must("GET", f"/v1/accounts/{ana}")["balance"]["available"] == 41
        # The same form sent again (a double click, a resent request) sends nothing twice.
        status = driver.execute_async_script(
            "fetch(arguments[0], {method: 'POST', body: new URLSearchParams(arguments[1])})"
            ".then(r => arguments[2](r.status))", action, form)
        assert status == 200
        assert market.must("GET", f"/v1/accounts/{ana}")["balance"]["available"] == 41
        look(driver, "proposals")

        # Ben bids more for the only slot: Ana is outbid before the client looked.
        market.must("POST", f"/v1/jobs/{logo}/proposals", {"freelancerId": ben, "boost": 6}, idempotent=True)
        driver.get(market.url + "/portal/connects")
        assert driver.find_element(By.CSS_SELECTOR, ".number").text == "46"
        lately = sentences(driver)
        assert "-4 to send a proposal to “Logo for a bakery”" in lately
        assert "5 held to boost your proposal to “Logo for a bakery”" in lately
        assert "Boost of 5 released on “Logo for a bakery”: outbid before the client looked" in lately
        driver.find_element(By.CSS_SELECTOR, ".movement details summary").click()
        assert "Policy version" in driver.find_element(By.CSS_SELECTOR, ".movement details").text
        look(driver, "connects")

        # The client, in their own browser, sees the proposals in slot order and closes the job
        # without hiring, told first what that does to the freelancers' connects.
        boss = make_browser()
        try:
            boss.get(market.portal_link(client))
            assert at(boss, "/portal/my-jobs")
            look(boss, "my-jobs")
            boss.find_element(By.LINK_TEXT, "Logo for a bakery").click()
            assert shows(boss, "Close job without hiring")
            names = [e.text for e in boss.find_elements(By.CSS_SELECTOR, ".proposals h3")]
            assert names[0].startswith("Ben") and "boosted" in names[0] and names[1] == "Ana"
            assert shows(boss, "returns 4 connects to each of 2 freelancers")
            look(boss, "my-job")
            boss.find_element(By.XPATH, "//button[normalize-space()='Close job without hiring']").click()
            assert shows(boss, "The job is closed without a hire")
        finally:
            boss.quit()
        driver.refresh()
        assert shows(driver, "+4 returned: the client closed the job without hiring")
        assert "+4 returned: the client closed the job without hiring" in sentences(driver)
        assert driver.find_element(By.CSS_SELECTOR, ".number").text == "50"

        # On another job the client hires Ben through the page: Ana's fee is kept, and she is told why.
        market.must("POST", f"/v1/jobs/{menu}/proposals", {"freelancerId": ana}, idempotent=True)
        market.must("POST", f"/v1/jobs/{menu}/proposals", {"freelancerId": ben}, idempotent=True)
        boss = make_browser()
        try:
            boss.get(market.portal_link(client))
            boss.get(market.url + f"/portal/my-jobs/{menu}")
            assert shows(boss, "the other freelancer's fee is not returned")
            boss.find_element(By.XPATH, "//button[normalize-space()='Hire Ben']").click()
            assert shows(boss, "Hired. The job is filled.")
        finally:
            boss.quit()
        driver.find_element(By.LINK_TEXT, "My proposals").click()
        assert shows(driver, "the client hired someone else")
        outcomes = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".outcome")]
        assert "4 not returned: the client hired someone else." in outcomes
        assert "+4 returned: the client closed the job without hiring" in outcomes

        # Notifications say the same things, the new ones marked until they are read.
        driver.find_element(By.LINK_TEXT, "Notifications").click()
        assert shows(driver, "Mark all as read")
        said = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".notification.new .sentence")]
        assert "4 not returned for “Menu design”: the client hired someone else." in said
        assert ("Your boost of 5 on “Logo for a bakery” was outbid before the client looked: it came back in full"
                in said)
        look(driver, "notifications")
        driver.find_element(By.XPATH, "//button[normalize-space()='Mark all as read']").click()
        assert shows(driver, "Nothing unread.")
        assert not driver.find_elements(By.CSS_SELECTOR, ".notification.new")
        status, feed = market.api("GET", f"/v1/accounts/{ana}/notifications")
        assert feed["unread"] == 0 and all(n["readAt"] for n in feed["data"])

        driver.find_element(By.LINK_TEXT, "History").click()
        assert shows(driver, "Download these rows as CSV")
        rows = driver.find_elements(By.CSS_SELECTOR, ".movement")
        shown = [re.search(r"ent_[0-9A-Z]+", r.get_attribute("innerHTML")).group(0) for r in rows]
        csv_url = driver.find_element(By.PARTIAL_LINK_TEXT, "Download these rows").get_attribute("href")
        csv = driver.execute_async_script(
            "fetch(arguments[0]).then(r => r.text()).then(arguments[1])", csv_url)
        assert [line.split(",")[0] for line in csv.strip().split("\r\n")[1:]] == shown
        look(driver, "history")

        # The link worked once: a second browser that follows it is not signed in.
        other = make_browser()
        try:
            other.get(link)
            assert shows(other, "This link no longer works")
            other.get(market.url + "/portal/connects")
            assert shows(other, "You are signed out")
            look(other, "used-link")
        finally:
            other.quit()

        # A sign-out form posted without its token changes nothing.
        driver.execute_script("document.querySelector('input[name=csrf]').remove()")
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
        assert shows(driver, "This form is out of date")
        driver.get(market.url + "/portal/connects")
        assert driver.find_element(By.CSS_SELECTOR, ".number").text == "46"
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
        assert shows(driver, "You are signed out")
        driver.get(market.url + "/portal/connects")
        assert shows(driver, "You are signed out")
    finally:
        driver.quit()


def test_a_client_posts_a_job_with_the_form_and_freelancers_see_it(market):
    client = market.must("POST", "/v1/accounts", {"externalId": "cafe", "kind": "client", "name": "Cafe"})["id"]
    driver = make_browser()
    try:
        driver.get(market.portal_link(client))
        assert at(driver, "/portal/my-jobs")
        assert shows(driver, "You have not posted a job yet")
        driver.find_element(By.LINK_TEXT, "Post a job").click()
        assert shows(driver, "Post the job")
        driver.find_element(By.ID, "budget").send_keys("lots")
        driver.find_element(By.XPATH, "//button[normalize-space()='Post the job']").click()
        assert shows(driver, "There is a problem")
        problems = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error-summary li")]
        assert len(problems) == 2 and "title" in problems[0] and "budget" in problems[1]
        assert driver.find_element(By.ID, "budget").get_attribute("value") == "lots"
        look(driver, "post-job-error")
        budget = driver.find_element(By.ID, "budget")
        budget.clear()
        budget.send_keys("45")
        driver.find_element(By.ID, "title").send_keys("Menu photos")
        driver.find_element(By.XPATH, "//button[normalize-space()='Post the job']").click()
        assert shows(driver, "Your job is posted.")
        assert "2 connects" in driver.page_source  # a $45 budget is on the ladder's first step
        status, jobs = market.api("GET", "/v1/jobs?status=open")
        assert [job["title"] for job in jobs["data"]] == ["Menu photos"]
    finally:
        driver.quit()


def test_the_demo_front_page_lets_a_newcomer_enter_as_a_demo_freelancer():
    server = Server(demo=True)
    driver = make_browser()
    try:
        driver.get(server.url + "/")
        assert shows(driver, "Demo only.")
        look(driver, "demo")
        driver.find_element(By.XPATH, "//button[normalize-space()='Enter as Ana']").click()
        assert at(driver, "/portal/connects")
        assert shows(driver, "+30 for earning the Rising Talent badge")
        assert "+30 for earning the Rising Talent badge" in sentences(driver)
        before = int(driver.find_element(By.CSS_SELECTOR, ".number").text)

        # Buying: a bundle, a demo confirmation that says no money moves, the balance after.
        driver.find_element(By.LINK_TEXT, "Buy connects").click()
        assert shows(driver, "Continue to payment")
        assert "20 connects for $3" in driver.page_source
        look(driver, "buy")
        driver.find_element(By.XPATH, "//input[@value='custom']").click()
        driver.find_element(By.ID, "custom").send_keys("0")
        driver.find_element(By.XPATH, "//button[normalize-space()='Continue to payment']").click()
        assert shows(driver, "There is a problem")
        assert driver.find_element(By.ID, "custom").get_attribute("value") == "0"
        driver.find_element(By.XPATH, "//input[@value='20']").click()
        driver.find_element(By.XPATH, "//button[normalize-space()='Continue to payment']").click()
        assert shows(driver, "This is a demo: no money moves.")
        assert "20 connects for $3" in driver.page_source
        look(driver, "buy-confirm")
        driver.find_element(By.XPATH, "//button[normalize-space()='Confirm the demo payment']").click()
        assert shows(driver, "20 connects bought.")
        assert int(driver.find_element(By.CSS_SELECTOR, ".number").text) == before + 20
        assert "+20 bought" in sentences(driver)

        # The plan: Ana is on Basic; switching to Plus starts a new cycle with its allotment now.
        driver.find_element(By.LINK_TEXT, "Plans").click()
        assert shows(driver, "Switch to Plus")
        assert "You are on the Basic plan." in driver.find_element(By.TAG_NAME, "main").text
        look(driver, "plan")
        driver.find_element(By.XPATH, "//button[normalize-space()='Switch to Plus (demo: no payment)']").click()
        assert shows(driver, "Your plan is changed.")
        assert "You are on the Plus plan." in driver.find_element(By.TAG_NAME, "main").text
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
        assert shows(driver, "You are signed out")
        driver.get(server.url + "/")
        driver.find_element(By.XPATH, "//button[normalize-space()='Enter the console as demo-admin']").click()
        assert at(driver, "/console")
        driver.find_element(By.LINK_TEXT, "Policy").click()
        assert shows(driver, "Save as a new version")
        look(driver, "console-policy-admin")
        # Before saving a fairer draft, the admin tries it on a simulated marketplace: nothing is saved.
        driver.execute_script(
            "const t = document.getElementById('document');"
            "t.value = t.value.replace(/\"onDecline\"\\s*:\\s*false/, '\"onDecline\" : true');")
        driver.find_element(By.XPATH, "//button[normalize-space()='Try it on a simulated marketplace first']").click()
        assert shows(driver, "The draft against the policy in force", seconds=180)
        returned = driver.find_element(By.XPATH, "//tr[th[normalize-space()='Returned']]").find_elements(By.TAG_NAME, "td")
        in_force, draft = (int(cell.text.replace(",", "")) for cell in returned[:2])
        assert draft > in_force, (in_force, draft)
        assert len(driver.find_elements(By.CSS_SELECTOR, ".simulation svg")) >= 3
        look(driver, "console-policy-simulation")
    finally:
        driver.quit()
        server.stop()


def test_a_support_agent_signs_in_and_reverses_a_doubled_reward(market):
    # The agent is added as an operator would: `connects staff add`, the password on standard input.
    database = os.path.join(market.folder, "db.sqlite")
    subprocess.run([os.environ["CONNECTS_BINARY"], "staff", "add", "maya", "--role", "support",
                    "--database", database], input=b"a long support password\n", check=True)
    ana = market.must("POST", "/v1/accounts", {"externalId": "ana-77", "kind": "freelancer", "name": "Ana Lima"})["id"]
    # The marketplace reported one certification twice, under two ids: 10 connects too many.
    for scope in ["swift-1", "swift-1-resent"]:
        market.must("POST", f"/v1/accounts/{ana}/rewards", {"reward": "skill_certification", "scope": scope},
                    idempotent=True)
    assert market.must("GET", f"/v1/accounts/{ana}")["balance"]["available"] == 70

    # A freelancer's session does not open the console.
    freelancer = make_browser()
    try:
        freelancer.get(market.portal_link(ana))
        assert at(freelancer, "/portal/connects")
        freelancer.get(market.url + "/console")
        assert shows(freelancer, "This page is not yours to see")
    finally:
        freelancer.quit()

    driver = make_browser()
    try:
        driver.get(market.url + "/")
        assert shows(driver, "Staff sign-in")
        driver.find_element(By.ID, "name").send_keys("maya")
        driver.find_element(By.ID, "password").send_keys("not it")
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
        assert shows(driver, "That name and password do not match")
        assert driver.find_element(By.ID, "name").get_attribute("value") == "maya"
        look(driver, "sign-in-error")
        driver.find_element(By.ID, "password").send_keys("a long support password")
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
        assert at(driver, "/console")
        assert shows(driver, "Find an account")

        driver.find_element(By.ID, "q").send_keys("ana")
        driver.find_element(By.XPATH, "//button[normalize-space()='Find']").click()
        assert shows(driver, "Accounts matching")
        look(driver, "console-search")
        driver.find_element(By.LINK_TEXT, "Ana Lima").click()
        assert shows(driver, "Ledger, newest first")
        assert "70" in driver.find_element(By.CSS_SELECTOR, ".balance strong").text
        look(driver, "console-account")

        # The newest reward is the second report of the same certification.
        doubled = driver.find_elements(By.CSS_SELECTOR, ".ledger-entry")[0]
        assert "for passing a skill certification" in doubled.text
        doubled.find_element(By.PARTIAL_LINK_TEXT, "Reverse").click()
        assert shows(driver, "Reverse this entry")
        driver.find_element(By.XPATH, "//button[normalize-space()='Reverse the entry']").click()
        assert shows(driver, "There is a problem")
        assert "Write why" in driver.find_element(By.CSS_SELECTOR, ".field-error").text
        look(driver, "console-entry-error")
        driver.find_element(By.ID, "reason").send_keys("Certification reported twice")
        driver.find_element(By.ID, "ticket").send_keys("T-1042")
        driver.find_element(By.XPATH, "//button[normalize-space()='Reverse the entry']").click()
        assert shows(driver, "Done, under your name: -10 connects (reversal)")
        highlighted = driver.find_element(By.CSS_SELECTOR, ".ledger-entry.highlight")
        assert "Certification reported twice" in highlighted.text and "T-1042" in highlighted.text
        assert "support:staff:maya" in highlighted.text
        look(driver, "console-reversed")
        assert market.must("GET", f"/v1/accounts/{ana}")["balance"]["available"] == 60

        # A support agent reads the policy but cannot change it.
        driver.find_element(By.LINK_TEXT, "Policy").click()
        assert shows(driver, "Only an admin can change the policy")
        look(driver, "console-policy")
    finally:
        driver.quit()

    # Ana sees what support did, in her words.
    freelancer = make_browser()
    try:
        freelancer.get(market.portal_link(ana))
        assert at(freelancer, "/portal/connects")
        assert freelancer.find_element(By.CSS_SELECTOR, ".number").text == "60"
        assert any(s.startswith("-10") for s in sentences(freelancer))
    finally:
        freelancer.quit()
