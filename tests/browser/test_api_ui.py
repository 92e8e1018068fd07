"""The reviewer UI in a real browser: sign in, keyboard triage, a unit fixes a ticket and the re-check closes it."""

import pytest
from api_helpers import PASSWORD

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def sign_in(page, base, username):
    page.goto(base + "/ui/tickets")
    assert "/ui/login" in page.url  # strangers are sent to the sign-in page
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/ui/tickets")


def test_wrong_password_shows_an_error(page, live):
    page.goto(live["base"] + "/ui/login")
    page.get_by_label("用户名").fill("shenhe")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误"


def test_reviewer_signs_in_and_triages_with_the_keyboard(page, live):
    sign_in(page, live["base"], "shenhe")
    page.goto(live["base"] + "/ui/findings")
    first = page.locator("li.finding").first
    assert first.locator("mark").inner_text() in ("再接再励", "按装")  # the excerpt highlights the keyword
    assert first.locator(".why").inner_text().strip() != ""
    page.screenshot(path=str(ARTIFACTS / "ui-findings-queue.png"), full_page=True)
    keyword = first.locator("mark").inner_text()
    page.keyboard.press("c")  # confirm the selected finding
    state = first.locator('[data-role="state"]')
    state.filter(has_text="已分派").wait_for()
    assert "已分派" in state.inner_text()
    second = page.locator("li.finding").nth(1)
    assert second.get_attribute("aria-selected") == "true"  # the queue moved on
    page.keyboard.press("f")  # false positive, with a reason
    reason = second.locator("form.reason input")
    reason.wait_for()
    reason.fill("规范用语，经人工核实无误")
    reason.press("Enter")
    second.locator('[data-role="state"]').filter(has_text="误报").wait_for()
    page.screenshot(path=str(ARTIFACTS / "ui-findings-triaged.png"), full_page=True)
    # the confirmed one is now an assigned ticket with the triage in its timeline
    page.goto(live["base"] + "/ui/tickets")
    assert keyword in page.locator("table.list").inner_text()
    page.goto(live["base"] + "/ui/")
    assert page.locator("svg.chart").count() == 3
    page.screenshot(path=str(ARTIFACTS / "ui-dashboard.png"), full_page=True)


def test_operator_marks_fixed_and_recheck_closes_the_ticket(page, live):
    site = live["site"]
    path = "/jyj/2026/tz118.html"
    sign_in(page, live["base"], "jyj")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1  # an operator sees only their unit's tickets
    assert "再接再励" in rows.first.inner_text()
    rows.first.get_by_role("link").click()
    page.wait_for_url("**/ui/tickets/*")
    assert "县教育局" in page.locator(".facts").inner_text()
    site.pages[path] = site.pages[path].replace("再接再励", "再接再厉")  # the unit corrects the page
    page.get_by_role("button", name="已整改，申请复核").click()
    page.locator('#ticket-state[data-state="closed"]').wait_for(timeout=30_000)
    timeline = page.locator("#timeline").inner_text()
    assert "标记已整改" in timeline and "复核通过" in timeline and "已闭环" in timeline
    page.screenshot(path=str(ARTIFACTS / "ui-ticket-closed.png"), full_page=True)
    page.goto(live["base"] + "/ui/ledger")
    with page.expect_download() as dl:
        page.locator("#ledger-xlsx").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
