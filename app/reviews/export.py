"""The score sheet as xlsx (openpyxl): the ranking, and every raw score per expert
and criterion (rule 12 keeps them all)."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _safe(value):
    """Text that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def score_sheet(round_, rows) -> io.BytesIO:
    criteria = list(round_.criteria)
    book = Workbook()
    sheet = book.active
    sheet.title = _("排名")
    head = [_("排名"), _("牵头单位"), _("项目名称"), _("有效评分数"), _("综合得分"), _("是否去掉最高最低分"),
            _("最低分"), _("最高分"), _("极差"), _("偏离提示"), *[c.name for c in criteria], _("未达指标")]
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        agg = r.aggregate
        sheet.append([r.rank, _safe(r.lead_name), _safe(r.title), agg.count,
                      float(agg.mean) if agg.mean is not None else None, _("是") if agg.is_trimmed else _("否"),
                      float(agg.low) if agg.low is not None else None,
                      float(agg.high) if agg.high is not None else None,
                      float(agg.spread) if agg.spread is not None else None, r.flagged,
                      *[float(r.criterion_means[c.id]) if r.criterion_means.get(c.id) is not None else None
                        for c in criteria], _safe("、".join(r.kpi_misses))])
    raw = book.create_sheet(_("原始评分"))
    raw.append([_("牵头单位"), _("专家"), *[f"{c.name}（{c.max_score}）" for c in criteria], _("加权总分"),
                _("偏离中位数")])
    for cell in raw[1]:
        cell.font = Font(bold=True)
    for r in rows:
        for line in r.scores:
            raw.append([_safe(r.lead_name), _safe(line.expert_name),
                        *[float(line.by_criterion[c.id]) for c in criteria], float(line.total),
                        _("是") if line.is_flagged else ""])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
