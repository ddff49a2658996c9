"""The industry fields (产业领域) shared by challenges, expert profiles and followers."""
from __future__ import annotations

FIELD_NAMES = ["新材料", "超硬材料", "轻合金材料", "氟基新材料", "新能源电池材料", "装备制造",
               "汽车零部件", "生物医药", "绿色食品", "电子信息", "现代化工", "节能环保", "现代农业"]
