"""Factory helpers creating valid objects with sensible defaults (and committing)."""
from __future__ import annotations

import itertools

from app.auth import operations as auth_ops
from app.auth.models import OrgType, Role
from app.core import credit_code
from app.extensions import db

DEFAULT_PASSWORD = "Passw0rd-123"
_seq = itertools.count(1)


class Factories:
    def org(self, name: str | None = None, org_type: OrgType | str = OrgType.ENTERPRISE, **kwargs):
        n = next(_seq)
        name = name or f"测试单位{n}有限公司"
        org = auth_ops.create_organisation(
            name=name, org_type=OrgType(org_type), credit_code=kwargs.pop("credit_code", credit_code.synthetic(name)),
            **kwargs,
        )
        db.session.commit()
        return org

    def user(self, role: Role | str = Role.APPLICANT, email: str | None = None,
             password: str = DEFAULT_PASSWORD, organisation=None, **kwargs):
        role = Role(role)
        n = next(_seq)
        if role is Role.APPLICANT and organisation is None:
            organisation = self.org()
        user = auth_ops.create_user(
            email=email or f"{role.value}{n}@example.cn", name=kwargs.pop("name", f"用户{n}"),
            role=role, password=password, organisation=organisation, **kwargs,
        )
        db.session.commit()
        return user
