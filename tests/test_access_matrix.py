"""Every route x every role -> expected status (see tests/access.py)."""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

from tests.access import ROLES
from tests.conftest import Browser

TESTS_DIR = Path(__file__).parent


def _access_modules():
    modules = []
    for info in pkgutil.iter_modules([str(TESTS_DIR)]):
        if info.ispkg and (TESTS_DIR / info.name / "access.py").exists():
            modules.append(importlib.import_module(f"tests.{info.name}.access"))
    return modules


MODULES = _access_modules()
ROWS = [(m, row) for m in MODULES for row in m.ROUTES]


def test_every_route_is_in_the_matrix(app):
    listed = {(method, endpoint) for _m, (method, endpoint, _u, _e) in ROWS}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, rule.endpoint) not in listed:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from the access matrix:\n" + "\n".join(missing)


def _row_id(item):
    module, (method, endpoint, url, _e) = item
    return f"{method} {url}"


@pytest.mark.parametrize("item", ROWS, ids=[_row_id(i) for i in ROWS])
def test_access(app, make, item):
    module, (method, endpoint, url_template, expect) = item
    users = {role: make.user(role=role) for role in ROLES if role != "anonymous"}
    ids = module.setup(make, users)
    url = url_template.format(**ids)
    failures = []
    for role in ROLES:
        browser = Browser(app.test_client())
        if role != "anonymous":
            browser.login(users[role])
        if method == "GET":
            response = browser.get(url)
        else:
            token_page = "/dashboard" if role != "anonymous" else "/login"
            response = browser.post(url, {}, token_from=token_page)
        wanted = expect[role]
        wanted = wanted if isinstance(wanted, (set, frozenset)) else {wanted}
        if response.status_code not in wanted:
            failures.append(f"{role}: got {response.status_code}, expected {sorted(wanted)}")
    assert not failures, f"{method} {url}: " + "; ".join(failures)
