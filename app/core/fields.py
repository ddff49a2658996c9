"""Industry fields (产业领域) shared by challenges, demands and the expert pool.

One list, so an expert's fields of expertise match the fields challenges are filed
under and the review stage can draw experts by a challenge's field.
"""
from __future__ import annotations

INDUSTRY_FIELDS = ["新材料", "超硬材料", "轻合金材料", "氟基新材料", "新能源电池材料", "装备制造",
                   "汽车零部件", "生物医药", "绿色食品", "电子信息", "现代化工", "节能环保", "现代农业"]

# The name the notifications package uses.
FIELD_NAMES = INDUSTRY_FIELDS
