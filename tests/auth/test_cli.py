"""Command line: users create / set-password, demo seed (idempotent)."""
from __future__ import annotations

import re

import pytest

from app.auth.models import Organisation, Role, User
from app.core import demo
from app.core.credit_code import is_valid
from app.extensions import db


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_users_create(cli):
    result = cli("users", "create", "--role", "expert", "--email", "Chen@Example.cn", "--password", "Expert-Pass-1")
    assert result.exit_code == 0, result.output
    assert "已创建用户 chen@example.cn（评审专家）" in result.output
    user = User.query.filter_by(email="chen@example.cn").one()
    assert user.role is Role.EXPERT and user.check_password("Expert-Pass-1")


def test_users_create_applicant_by_credit_code(cli, make):
    org = make.org(credit_code="91350100M000100Y43")
    result = cli("users", "create", "--role", "applicant", "--email", "a@example.cn", "--password", "Appl-Pass-12",
                 "--organisation", "91350100m000100y43")
    assert result.exit_code == 0, result.output
    assert User.query.filter_by(email="a@example.cn").one().organisation_id == org.id


@pytest.mark.parametrize("args, message", [
    (["--role", "applicant", "--email", "b@example.cn", "--password", "Appl-Pass-12"], "单位用户必须选择所属单位"),
    (["--role", "expert", "--email", "c@example.cn", "--password", "weak"], "密码至少需要10个字符"),
    (["--role", "expert", "--email", "d@example.cn", "--password", "Good-Pass-12", "--organisation", "没有这家"],
     "找不到单位：没有这家"),
    (["--role", "boss", "--email", "e@example.cn", "--password", "Good-Pass-12"], "Invalid value for '--role'"),
])
def test_users_create_refusals(cli, args, message):
    result = cli("users", "create", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert User.query.count() == 0


def test_users_create_duplicate_email(cli, make):
    make.user(role="expert", email="dup@example.cn")
    result = cli("users", "create", "--role", "bureau", "--email", "DUP@example.cn", "--password", "Good-Pass-12")
    assert result.exit_code != 0 and "该电子邮箱已被注册" in result.output
    assert User.query.count() == 1


def test_users_set_password(cli, make):
    user = make.user(role="expert")
    result = cli("users", "set-password", "--email", user.email.upper(), "--password", "Reset-Pass-99")
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.check_password("Reset-Pass-99")
    assert cli("users", "set-password", "--email", "nobody@example.cn", "--password", "Reset-Pass-99").exit_code != 0


def _passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\S+@jiebang\.demo)\s+(\S+)$", output, re.M))


@pytest.mark.parametrize("source", ["shared", "fallback"])
def test_demo_seed_is_idempotent(app, cli, monkeypatch, tmp_path, source):
    if source == "fallback":
        monkeypatch.setitem(app.config, "DEMO_DATA_PATH", str(tmp_path / "missing.json"))
    data = demo.load_demo_data()
    first = cli("demo", "seed")
    assert first.exit_code == 0, first.output
    passwords = _passwords(first.output)
    assert {email for email, *_rest in demo.DEMO_USERS} <= set(passwords)  # domains may add more
    expected_orgs = (len(data["bureaus"]) + len(data["enterprises"]) + len(data["universities_and_institutes"]))
    assert Organisation.query.count() >= expected_orgs
    assert all(is_valid(o.credit_code) and o.is_credit_code_synthetic for o in Organisation.query)
    for email, password in passwords.items():
        user = User.query.filter_by(email=email).one()
        assert user.check_password(password)
    counts = {t.name: db.session.execute(t.select().with_only_columns(db.func.count())).scalar()
              for t in db.metadata.sorted_tables if t.name != "audit_events"}

    second = cli("demo", "seed")
    assert second.exit_code == 0, second.output
    assert _passwords(second.output) == {}
    assert "演示账号已存在" in second.output
    db.session.expire_all()
    assert {t.name: db.session.execute(t.select().with_only_columns(db.func.count())).scalar()
            for t in db.metadata.sorted_tables if t.name != "audit_events"} == counts
    enterprise = User.query.filter_by(email="enterprise@jiebang.demo").one()
    assert enterprise.role is Role.APPLICANT and enterprise.organisation.short_name == "强耐新材"
