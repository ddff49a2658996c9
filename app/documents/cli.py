"""``flask --app wsgi documents doctor | render-batch | build-fonts``."""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import click
from flask.cli import AppGroup

SAMPLE_ROWS = 20   # a two-page notice with the GB/T 9704 header, signature and 版记


def sample_notice_context(n: int = 1, rows: int = SAMPLE_ROWS) -> dict:
    """A two-page 立项通知书-like notice with a ``rows``-row table (doctor, batch, benchmark)."""
    from ..core.money import format_wan, rmb_upper

    table_rows = [[str(i), f"焦作市关键核心技术攻关项目第{i}项", "新材料",
                   format_wan(500_0000_00 + i * 10_0000_00)[:-2], "24"] for i in range(1, rows + 1)]
    total = sum(500_0000_00 + i * 10_0000_00 for i in range(1, rows + 1))
    return {
        "title": f"关于下达2026年度“揭榜挂帅”科技项目（第{n}批）的通知",
        "body": [
            "根据《焦作市“揭榜挂帅”科技项目管理办法》，经专家评审、公示无异议，"
            "现将2026年度“揭榜挂帅”科技项目予以立项，有关事项通知如下。",
            {"h1": "项目安排"},
            f"本批共立项{rows}项，财政支持资金合计{format_wan(total)}（人民币{rmb_upper(total)}），项目清单如下。",
            {"table": {"columns": ["序号", "项目名称", "领域", "支持金额（万元）", "期限（月）"],
                       "rows": table_rows, "widths": [7, 45, 12, 20, 16]}},
        ],
    }


def register_documents_cli(app) -> None:
    group = AppGroup("documents", help="公文 / official documents")

    @group.command("doctor")
    def doctor():
        """Which CJK faces will be used, whether the compact fonts are built; time a test notice."""
        from . import fonts, render
        from .compose import compose_html
        from .types import all_types, get_type

        compact = fonts.compact_faces()
        click.echo("各角色字体（scripts/build_fonts.py 生成的精简字体，位于 %s）：" % fonts.GENERATED_DIR)
        for role, info in fonts.role_faces().items():
            family = fonts.COMPACT_FACES[info["file"]][0]
            if info["built"]:
                origin = "部署配置" if info.get("origin") == "configured" else (info.get("package") or "")
                click.echo(f"  {info['style']}（{info['use']}）：{family} ← {info.get('source_name', '?')} "
                           f"[{info.get('source', '?')}；{origin}；{info.get('licence', '')}]，"
                           f"{compact[info['file']].stat().st_size // 1024} KiB，GB 2312 缺字 {info.get('gb2312_missing', '?')}")
            else:
                click.echo(f"  {info['style']}（{info['use']}）：{family} — 未生成")
        system = fonts.system_cjk_families()
        click.echo("系统后备字体（子集之外的生僻字）：")
        for family in fonts.SYSTEM_FAMILIES:
            click.echo(f"  {family}: {system.get(family, '未安装')}")
        try:
            fonts.ensure_cjk_fonts()
        except fonts.FontsUnavailable as exc:
            raise click.ClickException(str(exc)) from None
        if not compact:
            click.echo("警告：精简字体未生成，将直接使用系统字体集（很慢）。请运行 make assets。")
        click.echo("公文类型：" + "、".join(f"{k}（{t.label}）" for k, t in all_types().items()))

        from datetime import date

        html = compose_html(get_type("notice"), sample_notice_context(), issuer="keji",
                            number="焦科〔2026〕0号（样稿）", title="测试通知（样稿，不编号）",
                            issued_on=date.today(), verify_url="http://example.invalid/verify/test")
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            pdf = render.html_to_pdf(html)
            timings.append(time.perf_counter() - started)
        used = render.pdf_font_names(pdf)
        click.echo(f"测试公文（两页、20 行表格）：{len(pdf) // 1024} KiB，渲染耗时 "
                   f"{', '.join(f'{t * 1000:.0f}' for t in timings)} ms（中位数 {statistics.median(timings) * 1000:.0f} ms）")
        click.echo("嵌入字体：" + "、".join(used))

    @group.command("render-batch")
    @click.option("--sample", type=int, default=0, help="渲染 N 份样稿通知（不编号、不入库），计时")
    @click.option("--from-json", "json_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="从 JSON 文件批量发文：[{\"context\": {...}, \"addressee\": ..., \"subject\": [type, id]}]")
    @click.option("--type", "doc_type", default="notice", show_default=True, help="公文类型（--from-json）")
    @click.option("--issuer", default="keji", show_default=True, help="发文机关 keji / caizheng")
    @click.option("--actor", "actor_email", help="发文人电子邮箱（--from-json）")
    @click.option("--verify", "verify_store", is_flag=True, help="逐一核对已发公文的存储文件与 SHA-256")
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="把 PDF 写到此目录")
    def render_batch(sample, json_file, doc_type, issuer, actor_email, verify_store, out):
        """Render samples, issue a batch from JSON (one commit per document), or verify the store."""
        if not (sample or json_file or verify_store):
            raise click.UsageError("请指定 --sample N、--from-json 文件 或 --verify")
        if out:
            out.mkdir(parents=True, exist_ok=True)
        if sample:
            _render_samples(sample, out)
        if json_file:
            _issue_from_json(json_file, doc_type, issuer, actor_email, out)
        if verify_store:
            _verify_store(out)

    @group.command("build-fonts")
    def build_fonts():
        """Same as scripts/build_fonts.py (make assets)."""
        import subprocess
        import sys

        from . import fonts, render

        script = fonts.ROOT / "scripts" / "build_fonts.py"
        result = subprocess.run([sys.executable, str(script)], check=False)
        render.reset_caches()
        if result.returncode:
            raise click.ClickException("字体生成失败")

    app.cli.add_command(group)


def _render_samples(count: int, out: Path | None) -> None:
    from datetime import date

    from . import render
    from .compose import compose_html
    from .types import get_type

    timings = []
    with click.progressbar(range(1, count + 1), label="渲染样稿") as bar:
        for n in bar:
            html = compose_html(get_type("notice"), sample_notice_context(n), issuer="keji",
                                number=f"样稿{n}", title=sample_notice_context(n)["title"],
                                issued_on=date.today(), verify_url="http://example.invalid/verify/sample")
            started = time.perf_counter()
            pdf = render.html_to_pdf(html)
            timings.append(time.perf_counter() - started)
            if out:
                (out / f"sample-{n:04d}.pdf").write_bytes(pdf)
    click.echo(f"{count} 份样稿：中位数 {statistics.median(timings) * 1000:.0f} ms，"
               f"最长 {max(timings) * 1000:.0f} ms，合计 {sum(timings):.1f} s")


def _issue_from_json(path: Path, doc_type: str, issuer: str, actor_email: str | None,
                     out: Path | None) -> None:
    from ..auth.models import User
    from ..core.uow import unit_of_work
    from .layout import DocumentContextError
    from .operations import issue_document, store

    actor = None
    if actor_email:
        actor = User.query.filter_by(email=actor_email.strip().lower()).first()
        if actor is None:
            raise click.ClickException(f"找不到用户：{actor_email}")
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise click.ClickException(f"JSON 格式错误：{exc}") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "context" in e for e in entries):
        raise click.ClickException("JSON 应为列表，每项含 context 字典")
    issued = []
    with click.progressbar(entries, label="批量发文") as bar:
        for n, entry in enumerate(bar, 1):
            subject = tuple(entry["subject"]) if entry.get("subject") else None
            try:
                with unit_of_work():
                    doc = issue_document(doc_type, entry["context"], subject=subject, issuer=issuer,
                                         actor=actor, addressee=entry.get("addressee"), cc=entry.get("cc"))
            except (DocumentContextError, RuntimeError) as exc:
                done = "、".join(d for d in issued) or "无"
                raise click.ClickException(f"第 {n} 份失败（未编号）：{exc}。已发出：{done}") from None
            issued.append(doc.number)
            if out:
                (out / doc.filename).write_bytes(store().get(doc.sha256))
    click.echo(f"已发出 {len(issued)} 份：{issued[0]} … {issued[-1]}" if issued else "没有需要发出的公文")


def _verify_store(out: Path | None) -> None:
    import hashlib

    import sqlalchemy as sa

    from ..extensions import db
    from .models import IssuedDocument
    from .operations import store

    docs = db.session.scalars(sa.select(IssuedDocument).order_by(IssuedDocument.id)).all()
    bad = []
    with click.progressbar(docs, label="核对已发公文") as bar:
        for doc in bar:
            try:
                data = store().get(doc.sha256)
            except OSError:
                bad.append(f"{doc.number}：文件缺失")
                continue
            if hashlib.sha256(data).hexdigest() != doc.sha256:
                bad.append(f"{doc.number}：内容与 SHA-256 不符")
            elif out:
                (out / doc.filename).write_bytes(data)
    if bad:
        raise click.ClickException("存储核对发现问题：\n" + "\n".join(bad))
    click.echo(f"{len(docs)} 份已发公文全部完好")
