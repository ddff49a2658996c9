"""Demo data: organisations from shared/data/jiaozuo_demo.json and one user per role.

Idempotent: running it again creates only what is missing. Each domain adds its own
step with :func:`seed_step`; ``flask demo seed`` runs them in order.
"""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import current_app

from ..extensions import db
from . import credit_code

_STEPS: list[tuple[int, str, object]] = []

DEMO_USERS = [
    # email, name, role, organisation short name (or None)
    ("admin@jiebang.demo", "系统管理员", "admin", None),
    ("bureau@jiebang.demo", "科技局业务员", "bureau", "市科技局"),
    ("bureau2@jiebang.demo", "科技局审核员", "bureau", "市科技局"),
    ("finance@jiebang.demo", "财政局审核员", "finance", "市财政局"),
    ("expert@jiebang.demo", "评审专家甲", "expert", None),
    ("expert2@jiebang.demo", "评审专家乙", "expert", None),
    ("expert3@jiebang.demo", "评审专家丙", "expert", None),
    ("enterprise@jiebang.demo", "强耐新材联络员", "applicant", "强耐新材"),
    ("university@jiebang.demo", "河南理工大学科研处联络员", "applicant", "河南理工大学"),
]


GOVERNMENT_NAMES = {"bureau": "焦作市科学技术局", "finance": "焦作市财政局"}


def seed_step(order: int, name: str):
    def decorator(fn):
        if not any(n == name for _, n, _f in _STEPS):
            _STEPS.append((order, name, fn))
        return fn
    return decorator


def load_demo_data() -> dict:
    primary = Path(current_app.config["DEMO_DATA_PATH"])
    path = primary if primary.exists() else Path(current_app.config["DEMO_DATA_FALLBACK"])
    return json.loads(path.read_text(encoding="utf-8"))


def _import_domain_steps() -> None:
    """Import ``app.<domain>.demo`` modules so their @seed_step functions register."""
    import importlib
    import pkgutil

    import app as app_package

    importlib.import_module("app.core.calendar_demo")  # core's own steps besides this module's

    for module in pkgutil.iter_modules(app_package.__path__):
        if module.ispkg and module.name != "core":
            try:
                importlib.import_module(f"app.{module.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"app.{module.name}.demo":
                    raise


def run_all(echo=print) -> dict:
    _import_domain_steps()
    data = load_demo_data()
    context: dict = {"data": data, "passwords": {}}
    from .uow import unit_of_work

    for _order, name, fn in sorted(_STEPS, key=lambda s: s[0]):
        with unit_of_work():  # one transaction per step, like one per request
            fn(context, echo)
    return context


@seed_step(10, "organisations")
def seed_organisations(context, echo):
    from ..auth.models import Organisation, OrgType
    from ..auth.operations import create_organisation

    data = context["data"]
    created = 0
    rows = []
    for bureau in data.get("bureaus", []):
        rows.append((bureau["name"], bureau["short"], OrgType.GOVERNMENT, "焦作市", "政府"))
    for ent in data.get("enterprises", []):
        rows.append((ent["name"], ent.get("short"), OrgType.ENTERPRISE, ent.get("district"), ent.get("field")))
    for uni in data.get("universities_and_institutes", []):
        rows.append((uni["name"], None, OrgType(uni["type"]), uni.get("district"), None))
    for name, short, kind, district, field in rows:
        if Organisation.query.filter_by(name=name).first():
            continue
        code_kind = credit_code.category_for(kind.value)
        create_organisation(
            name=name, short_name=short, org_type=kind, credit_code=credit_code.synthetic(name, kind=code_kind),
            district=district, field=field, is_credit_code_synthetic=True,
        )
        created += 1
    db.session.flush()
    echo(f"单位：新建 {created} 家，共 {Organisation.query.count()} 家（信用代码为合成值）")


@seed_step(20, "users")
def seed_users(context, echo):
    from ..auth.models import Organisation, OrgType, Role, User
    from ..auth.operations import create_organisation, create_user

    for email, name, role, org_short in DEMO_USERS:
        if User.query.filter_by(email=email).first():
            continue
        org = None
        if org_short:
            org = (Organisation.query.filter_by(short_name=org_short).first()
                   or Organisation.query.filter_by(name=org_short).first())
        if org is None and role in ("bureau", "finance"):
            # Bureau and finance staff belong to their government organisation.
            full = GOVERNMENT_NAMES[role]
            org = Organisation.query.filter_by(name=full).first() or create_organisation(
                name=full, short_name=org_short, org_type=OrgType.GOVERNMENT,
                credit_code=credit_code.synthetic(full, kind="11"), district="焦作市", field="政府",
                is_credit_code_synthetic=True)
        password = "Demo-" + secrets.token_urlsafe(9)
        create_user(email=email, name=name, role=Role(role), password=password, organisation=org)
        context["passwords"][email] = password
    if context["passwords"]:
        echo("演示账号（密码只显示这一次，请妥善保存）：")
        for email, password in context["passwords"].items():
            echo(f"  {email:28s} {password}")
    else:
        echo("演示账号已存在，未重新生成密码（可用 flask users set-password 重置）")

