"""Every route x every role -> expected status (see tests/access.py), and no GET writes.

Each domain's rows share one set-up: the module's objects and one logged-in client per
role are built once and reused by every row (a POST row may change a session, e.g.
logout, so clients are rebuilt after it). While the GET rows run, a listener on the
engine counts INSERT / UPDATE / DELETE statements: a GET request never writes.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.access import ROLES
from tests.conftest import Browser

TESTS_DIR = Path(__file__).parent
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


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


class WriteCounter:
    def __init__(self):
        self.active = False
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and WRITE.match(statement):
            self.statements.append(statement.split("\n")[0][:120])


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__.split(".")[1] for m in MODULES])
def test_access(app, make, module):
    users = {role: make.user(role=role) for role in ROLES if role != "anonymous"}
    ids = module.setup(make, users)
    browsers: dict[str, Browser] = {}

    def browser_for(role):
        if role not in browsers:
            browsers[role] = Browser(app.test_client())
            if role != "anonymous":
                browsers[role].login(users[role])
        return browsers[role]

    counter = WriteCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    failures, writes = [], []
    try:
        # GET rows first, all on the same clients; then each POST on clients rebuilt after it.
        rows = sorted(module.ROUTES, key=lambda r: r[0] != "GET")
        for method, _endpoint, url_template, expect in rows:
            url = url_template.format(**ids)
            for role in ROLES:
                browser = browser_for(role)
                if method == "GET":
                    counter.active, counter.statements = True, []
                    response = browser.get(url)
                    counter.active = False
                    if counter.statements:
                        writes.append(f"GET {url} as {role}: {counter.statements}")
                else:
                    token_page = "/dashboard" if role != "anonymous" else "/login"
                    response = browser.post(url, {}, token_from=token_page)
                    browsers.pop(role, None)
                wanted = expect[role]
                wanted = wanted if isinstance(wanted, (set, frozenset)) else {wanted}
                if response.status_code not in wanted:
                    failures.append(f"{method} {url} {role}: got {response.status_code}, expected {sorted(wanted)}")
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert not writes, "GET requests wrote to the database:\n" + "\n".join(writes)
    assert not failures, "\n".join(failures)
