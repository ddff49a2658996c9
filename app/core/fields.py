"""Industry fields (产业领域) shared by challenges, demands and the expert pool.

One list, so an expert's fields of expertise match the fields challenges are filed
under and the review stage can draw experts by a challenge's field.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

INDUSTRY_FIELDS = ["新材料", "超硬材料", "轻合金材料", "氟基新材料", "新能源电池材料", "装备制造",
                   "汽车零部件", "生物医药", "绿色食品", "电子信息", "现代化工", "节能环保", "现代农业"]

# The name the notifications package uses.
FIELD_NAMES = INDUSTRY_FIELDS

# Display names (the stored value stays the Chinese name; English mode shows these).
FIELD_LABELS = {
    "新材料": _l("新材料"), "超硬材料": _l("超硬材料"), "轻合金材料": _l("轻合金材料"),
    "氟基新材料": _l("氟基新材料"), "新能源电池材料": _l("新能源电池材料"), "装备制造": _l("装备制造"),
    "汽车零部件": _l("汽车零部件"), "生物医药": _l("生物医药"), "绿色食品": _l("绿色食品"),
    "电子信息": _l("电子信息"), "现代化工": _l("现代化工"), "节能环保": _l("节能环保"),
    "现代农业": _l("现代农业"),
}


def field_label(value: str):
    return FIELD_LABELS.get(value, value)
