"""What every persona journey checks on every page it visits (issue 19):

- axe-core (vendored, `static/vendor/axe-core-*/`) finds no serious or critical violation;
- nothing scrolls sideways (`document.documentElement.scrollWidth <= innerWidth`);
- a screenshot in `test-artifacts/`.
"""

from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS

AXE = "/static/vendor/axe-core-4.14.1/axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""
PHONE = {"width": 390, "height": 844}


def audit(page, live_server, request, name: str) -> None:
    """Check the page `page` shows (a phone's or a desk's) and keep its screenshot."""
    page.wait_for_load_state()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=live_server.url + AXE)  # same origin: allowed by the CSP
    violations = page.evaluate(RUN_AXE)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}-{name}.png", full_page=True)
    assert serious == [], f"{name} ({page.url}): {serious}"
    width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{name} ({page.url}) scrolls sideways: {width} > {inner}"


def log_in(page, live_server, username: str) -> None:
    """Sign in from the login page; the browser lands where the user's work is."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()


def phone(browser):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page
