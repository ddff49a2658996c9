"""Demo step: the 2027 holiday schedule, so working days can be counted into 2027.

The installed chinesecalendar package ends with 2026. The State Council's notice for
2027 (国务院办公厅关于2027年部分节假日安排的通知) is not known to this code, so the
demo enters only the statutory holidays fixed by 《全国年节及纪念日放假办法》(2024
revision): 元旦 1 day, 春节 4 days (除夕 to 初三), 清明节 1, 劳动节 2, 端午节 1, 中秋节 1,
国庆节 3 -- lunar dates computed for 2027, 清明 from the solar term. It enters NO
bridging days and NO make-up working days: those only the notice fixes. The year's
source says so; an administrator must check it against the official notice.
"""
from __future__ import annotations

from datetime import date

from ..extensions import db
from .demo import seed_step

DEMO_YEAR = 2027
DEMO_SOURCE = ("演示数据，须按国务院办公厅关于2027年部分节假日安排的通知核对：仅录入《全国年节及纪念日放假办法》"
               "规定的法定节假日当日，未录入调休放假和调休上班日期")
DEMO_DAYS = [
    (date(2027, 1, 1), "元旦"),
    (date(2027, 2, 5), "春节"),   # 除夕
    (date(2027, 2, 6), "春节"),   # 正月初一
    (date(2027, 2, 7), "春节"),
    (date(2027, 2, 8), "春节"),
    (date(2027, 4, 5), "清明节"),
    (date(2027, 5, 1), "劳动节"),
    (date(2027, 5, 2), "劳动节"),
    (date(2027, 6, 9), "端午节"),   # 五月初五
    (date(2027, 9, 15), "中秋节"),  # 八月十五
    (date(2027, 10, 1), "国庆节"),
    (date(2027, 10, 2), "国庆节"),
    (date(2027, 10, 3), "国庆节"),
]


@seed_step(25, "calendar")
def seed_calendar(context, echo):
    from ..auth.models import User
    from . import calendar_operations as ops
    from .calendar_models import DayKind
    from .calendar_rules import DayEntry

    existing = ops.find_year(DEMO_YEAR)
    if existing is not None:
        echo(f"节假日安排：{DEMO_YEAR} 年已存在（{existing.state.label}），未改动")
        return
    admin = db.session.execute(db.select(User).where(User.email == "admin@jiebang.demo")).scalar_one()
    for day, name in DEMO_DAYS:
        ops.add_day(DayEntry(day, DayKind.HOLIDAY, name), actor=admin)
    ops.complete_year(ops.find_year(DEMO_YEAR), actor=admin, source=DEMO_SOURCE)
    echo(f"节假日安排：录入 {DEMO_YEAR} 年法定节假日 {len(DEMO_DAYS)} 天（演示数据，未含调休，须按国务院通知核对）")
