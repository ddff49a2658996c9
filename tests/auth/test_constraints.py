"""Every database invariant of users and organisations, proven bypassing the application."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError

from app.extensions import db

NOW = "2026-11-21 10:00:00"
ORG_SQL = text(
    "INSERT INTO organisations (name, org_type, credit_code, is_credit_code_synthetic, is_active, created_at) "
    "VALUES (:name, :org_type, :code, false, true, :now)"
)
USER_SQL = text(
    "INSERT INTO users (email, name, password_hash, role, organisation_id, is_active, created_at) "
    "VALUES (:email, '测试', 'x', :role, :org, true, :now)"
)


def _org(name="甲公司", org_type="enterprise", code="91350100M000100Y43"):
    db.session.execute(ORG_SQL, {"name": name, "org_type": org_type, "code": code, "now": NOW})


def _user(email="a@example.cn", role="expert", org=None):
    db.session.execute(USER_SQL, {"email": email, "role": role, "org": org, "now": NOW})


def _org_id():
    return db.session.execute(text("SELECT id FROM organisations")).scalar_one()


def _refused(action, errors=IntegrityError):
    with pytest.raises(errors):
        action()
        db.session.flush()
    db.session.rollback()


def test_raw_inserts_that_respect_the_invariants_succeed():
    _org()
    _user(role="applicant", org=_org_id())
    _user(email="b@example.cn", role="admin")
    db.session.commit()
    assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 2


def test_role_outside_the_enum_is_refused():
    _refused(lambda: _user(role="superuser"))


def test_org_type_outside_the_enum_is_refused():
    _refused(lambda: _org(org_type="company"))


def test_applicant_without_organisation_is_refused():
    _refused(lambda: _user(role="applicant", org=None))


def test_uppercase_email_is_refused():
    _refused(lambda: _user(email="Li.Si@example.cn"))


def test_duplicate_email_is_refused():
    _user(email="a@example.cn")
    db.session.commit()
    _refused(lambda: _user(email="a@example.cn", role="bureau"))


@pytest.mark.parametrize("code", ["91350100M000100Y4", ""])
def test_credit_code_length_check(code):
    _refused(lambda: _org(code=code))


def test_overlong_credit_code_is_refused():
    # SQLite ignores VARCHAR lengths, so the CHECK refuses it; PostgreSQL's VARCHAR(18) already does.
    _refused(lambda: _org(code="91350100M000100Y433"), errors=(IntegrityError, DataError))


def test_duplicate_credit_code_is_refused():
    _org()
    db.session.commit()
    _refused(lambda: _org(name="乙公司"))


def test_duplicate_organisation_name_is_refused():
    _org()
    db.session.commit()
    _refused(lambda: _org(code="91440300708461136T"))


def test_user_of_a_missing_organisation_is_refused():
    _refused(lambda: _user(role="applicant", org=987654))


def test_organisation_with_users_cannot_be_deleted():
    _org()
    _user(role="applicant", org=_org_id())
    db.session.commit()
    _refused(lambda: db.session.execute(text("DELETE FROM organisations")))
