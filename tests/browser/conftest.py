"""Browser tests: Playwright (sync API) driving Debian's Chromium against a live server.

Fixtures other domains reuse in ``tests/browser/test_<domain>_flow.py``:

* ``live_server`` -- the session ``app`` served by werkzeug in a thread on a free
  port, on the same test database (``live_server.url`` is the base URL). Tables are
  emptied after each test like everywhere else, so create data with ``make``.
* ``page`` -- a fresh Playwright page (own browser context, so own cookies) whose
  ``page.goto("/login")`` is relative to the live server. ``data-confirm`` dialogs
  are accepted automatically (the user clicks OK). Console errors, page errors
  and CSP violations fail the test at teardown.
* ``login(page, user, password=DEFAULT_PASSWORD)`` -- logs in through the real form
  and waits for the dashboard; ``logout(page)`` clicks the header's logout button.
* ``screenshot(page, name)`` -- saves ``test-artifacts/screenshots/<name>.png``
  (git-ignored) and returns the path.

Chromium is Debian's ``/usr/bin/chromium`` (Playwright cannot download its own here);
``make test`` installs it. If it is missing, the tests fail with a clear message.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import DEFAULT_PASSWORD

CHROMIUM = os.environ.get("JIEBANG_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"
# Status-code noise Chromium logs for pages deliberately answered with 4xx.
_IGNORED_CONSOLE = re.compile(r"Failed to load resource: the server responded with a status of (4\d\d)")


def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


class LiveServer:
    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app):
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
            "(make test does it) -- browser tests are never skipped",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN",
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("dialog", lambda dialog: dialog.accept())
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" and not _IGNORED_CONSOLE.search(msg.text) else None)
    pg.console_problems = problems
    yield pg
    context.close()
    assert not problems, "browser reported errors:\n" + "\n".join(problems)


def login(page, user, password: str = DEFAULT_PASSWORD) -> None:
    """Log in through the real login form and wait for the dashboard."""
    email = getattr(user, "email", user)
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard$"))


def logout(page) -> None:
    page.click(".account form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def screenshot(page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
