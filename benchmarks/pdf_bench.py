#!/usr/bin/env python3
"""Side-by-side PDF rendering benchmark: the app's fast set-up versus naive WeasyPrint.

Renders the same two-page 立项通知书-like notice (GB/T 9704 stylesheet, a 30-row
table) several times with

* fast   — the app's pipeline (``app.documents.render.html_to_pdf``): compact GB 2312
           TrueType faces via @font-face, font configuration and stylesheet parsed once;
* naive  — plain ``HTML(string=...).write_pdf()`` per document, same HTML and stylesheet
           without @font-face, so Pango picks the system Noto Serif/Sans CJK collections;
* naive, fontTools subsetter — the naive render again, but with WeasyPrint's fontTools
           subsetting path (what it uses when libharfbuzz-subset is not installed; the
           ~11 s per document reported in issue 3 was measured on this path).

Prints each median and the ratios; then issues a batch of notices (default 100) through
the engine (``issue_document``: number, render, store, row) in a throw-away SQLite
database with a progress bar, and prints the total time.

    .venv/bin/python benchmarks/pdf_bench.py [--runs 7] [--naive-runs 5] [--fonttools-runs 2]
"""
from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_html() -> str:
    from app.documents.cli import sample_notice_context
    from app.documents.compose import compose_html
    from app.documents.types import get_type

    context = sample_notice_context()
    return compose_html(get_type("notice"), context, issuer="keji", number="焦科〔2026〕12号",
                        title=context["title"], issued_on=date(2026, 11, 21),
                        verify_url="http://127.0.0.1:5000/verify/benchmark")


def naive_render(html: str) -> bytes:
    from weasyprint import CSS, HTML

    from app.documents import render

    css = CSS(string=render.STYLESHEET.read_text(encoding="utf-8"))
    return HTML(string=html, base_url=render.PDF_TEMPLATES.as_uri() + "/").write_pdf(stylesheets=[css])


def timed(fn, html: str, runs: int) -> tuple[list[float], bytes, list[float]]:
    """Wall-clock and CPU seconds of each run (CPU time is less disturbed by other load)."""
    times, cpu, pdf = [], [], b""
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        pdf = fn(html)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return times, pdf, cpu


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.0f} ms"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fast renders (after one warm-up)")
    parser.add_argument("--naive-runs", type=int, default=5)
    parser.add_argument("--fonttools-runs", type=int, default=2, help="0 to skip (each takes seconds)")
    parser.add_argument("--batch", type=int, default=100, help="notices issued through the engine (0 to skip)")
    args = parser.parse_args(argv)

    from app.documents import fonts, render
    from app.documents.cli import SAMPLE_ROWS
    from app.documents.render import pdf_font_names

    if not fonts.compact_faces():
        print("compact fonts missing: run `make assets` (scripts/build_fonts.py) first", file=sys.stderr)
        return 1
    html = build_html()
    started = time.perf_counter()
    first = render.html_to_pdf(html)            # warm-up: loads fonts and parses the stylesheet once
    warm_up = time.perf_counter() - started
    fast, fast_pdf, fast_cpu = timed(render.html_to_pdf, html, args.runs)
    naive, naive_pdf, naive_cpu = timed(naive_render, html, args.naive_runs)
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(fast_pdf)).pages)
    print(f"document: {pages}-page notice with a {SAMPLE_ROWS}-row table ({len(html)} bytes of HTML); "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"fast   : median {ms(fast)} wall, {ms(fast_cpu)} CPU, runs {len(fast)} "
          f"(first render incl. font loading {warm_up * 1000:.0f} ms), {len(fast_pdf) // 1024} KiB, "
          f"fonts {', '.join(pdf_font_names(fast_pdf))}")
    print(f"naive  : median {ms(naive)} wall, {ms(naive_cpu)} CPU, runs {len(naive)}, "
          f"{len(naive_pdf) // 1024} KiB, fonts {', '.join(pdf_font_names(naive_pdf))}")
    print(f"ratio naive/fast: {statistics.median(naive) / statistics.median(fast):.1f}x wall, "
          f"{statistics.median(naive_cpu) / statistics.median(fast_cpu):.1f}x CPU")
    if args.fonttools_runs:
        import weasyprint.pdf.fonts as wp_fonts

        logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its "use HarfBuzz" warning
        saved, wp_fonts.harfbuzz_subset = wp_fonts.harfbuzz_subset, None
        try:
            slow, _pdf, slow_cpu = timed(naive_render, html, args.fonttools_runs)
        finally:
            wp_fonts.harfbuzz_subset = saved
        print(f"naive, fontTools subsetter: median {ms(slow)} wall, {ms(slow_cpu)} CPU, runs {len(slow)}")
        print(f"ratio naive(fontTools)/fast: {statistics.median(slow) / statistics.median(fast):.1f}x wall, "
              f"{statistics.median(slow_cpu) / statistics.median(fast_cpu):.1f}x CPU")
    if args.batch:
        batch(args.batch)
    return 0


def batch(count: int) -> None:
    """Issue ``count`` notices through the engine into a temporary database and store."""
    import tempfile

    import click

    from app import create_app
    from app.documents.cli import sample_notice_context
    from app.documents.operations import issue_document
    from app.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                          "DOCUMENT_STORE": f"{tmp}/documents", "UPLOAD_FOLDER": f"{tmp}/uploads",
                          "PUBLIC_BASE_URL": "https://kjj.jiaozuo.gov.cn"})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            cpu_started = time.process_time()
            numbers = []
            with click.progressbar(range(1, count + 1), label=f"issuing {count} notices") as bar:
                for n in bar:
                    doc = issue_document("notice", sample_notice_context(n), actor=None,
                                         addressee="各县（市）区科技主管部门")
                    db.session.commit()
                    numbers.append(doc.number)
            total = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            db.session.remove()
    print(f"batch  : {count} notices issued through the engine ({numbers[0]} … {numbers[-1]}) in "
          f"{total:.1f} s wall, {cpu:.1f} s CPU ({total / count * 1000:.0f} ms per notice)")


if __name__ == "__main__":
    sys.exit(main())
