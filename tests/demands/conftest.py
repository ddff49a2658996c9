"""Helpers for challenge tests: valid form payloads in the shape the pages post."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.timeutil import to_local, utcnow


def local_input(moment) -> str:
    """An aware datetime as the <input type=datetime-local> value (Asia/Shanghai)."""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def challenge_form(issuer_id: int, **overrides) -> dict:
    """A complete, valid challenge form; ``kpis``/``milestones`` as lists of dicts."""
    now = utcnow()
    kpis = overrides.pop("kpis", [
        {"name": "CO2矿化固定率", "comparator": "ge", "target_value": "90.5", "unit": "%",
         "verification_method": "第三方检测报告"},
        {"name": "制品抗压强度", "comparator": "ge", "target_value": "30", "unit": "MPa",
         "verification_method": "国家标准试验"},
    ])
    milestones = overrides.pop("milestones", [
        {"name": "签订任务书", "month_offset": "0", "tranche_percent": "30"},
        {"name": "中期评估", "month_offset": "12", "tranche_percent": "40"},
        {"name": "验收", "month_offset": "24", "tranche_percent": "30"},
    ])
    data = {
        "title": "CO2深度矿化养护制建材关键技术", "field": "节能环保", "issuer_id": str(issuer_id),
        "problem_statement": "固废与CO2协同利用的关键技术难题", "time_limit_months": "24",
        "support": "3,000,000", "issuer_funding": "2,000,000", "ip_terms": "双方共有",
        "eligibility": "国内外高校院所企业", "contact_name": "王老师", "contact_phone": "0391-1234567",
        "contact_email": "", "bid_opens_at": local_input(now),
        "bid_deadline_at": local_input(now + timedelta(days=30)), "slots": "1",
    }
    data.update(overrides)
    for i, kpi in enumerate(kpis):
        data.update({f"kpis-{i}-{k}": v for k, v in kpi.items()})
    for i, m in enumerate(milestones):
        data.update({f"milestones-{i}-{k}": v for k, v in m.items() if k != "is_race_checkpoint"})
        if m.get("is_race_checkpoint"):
            data[f"milestones-{i}-is_race_checkpoint"] = "y"
    return data


@pytest.fixture
def bureau(login_as):
    return login_as("bureau")


@pytest.fixture
def enterprise(make):
    from app.auth.models import OrgType

    return make.org(org_type=OrgType.ENTERPRISE, district="武陟县", field="节能环保")
