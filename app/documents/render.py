"""HTML (sandboxed Jinja) -> PDF (WeasyPrint), with a fetcher that reaches nothing outside.

Templates in ``pdf_templates/`` receive plain dicts only and render in a
``SandboxedEnvironment`` with autoescape and ``StrictUndefined`` (a missing variable
is an error, never an empty string). WeasyPrint loads fonts and the stylesheet via
:class:`AssetFetcher`, which serves ``data:`` URIs and files under the project's
PDF assets and refuses every other URL.

The font configuration and the parsed stylesheet are built once per process and
reused: parsing @font-face rules costs more than rendering a page.
"""
from __future__ import annotations

import atexit
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import segno
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..core import money, timeutil
from . import fonts

ROOT = fonts.ROOT
PDF_TEMPLATES = ROOT / "pdf_templates"
STYLESHEET = PDF_TEMPLATES / "gbt9704.css"
ALLOWED_ROOTS = (PDF_TEMPLATES.resolve(), fonts.GENERATED_DIR.resolve())

# WeasyPrint and Pango are not documented as thread-safe; renders in one process
# take turns (numbering serialises issues anyway). The turn is short because every
# document is bounded before it is laid out (:func:`check_budget`: at most
# MAX_TEXT_CHARS characters of text, MAX_TABLE_ROWS table rows, MAX_PAGES pages —
# the largest allowed document renders in about 4 seconds, see the README), and nobody waits for it longer than
# RENDER_WAIT_SECONDS: a request that cannot get its turn is refused, not hung.
_RENDER_LOCK = threading.Lock()
_CACHE: dict[str, tuple] = {}
MAX_TEXT_CHARS = 20_000
MAX_HTML_CHARS = 600_000
MAX_PAGES = 40
MAX_TABLE_ROWS = 200  # table rows lay out far slower than running text
RENDER_WAIT_SECONDS = 30


class DocumentRenderError(RuntimeError):
    """Rendering failed; nothing was stored and no number was consumed."""


class DocumentTooLong(DocumentRenderError):
    """The document is over the page/size budget; refused before rendering."""


def text_length(html: str) -> int:
    """Characters of text in ``html`` (tags, entities and whitespace not counted)."""
    import re

    text = re.sub(r"<style.*?</style>|<[^>]*>|&[#a-zA-Z0-9]+;|\s+", "", html, flags=re.S)
    return len(text)


def check_budget(html: str) -> None:
    """Refuse a document too long to lay out quickly, with a message saying the limit
    (before any number is taken or the render turn is held)."""
    chars = text_length(html) if len(html) <= MAX_HTML_CHARS else len(html)
    rows = html.count("<tr")
    if rows > MAX_TABLE_ROWS:
        raise DocumentTooLong(f"公文表格共{rows}行，超过单份公文{MAX_TABLE_ROWS}行的上限，"
                              "请精简表格或将明细作为附件另行印发")
    if len(html) > MAX_HTML_CHARS or chars > MAX_TEXT_CHARS:
        raise DocumentTooLong(
            f"公文内容过长（约{chars:,}字），超过单份公文{MAX_TEXT_CHARS:,}字（约{MAX_PAGES}页）的上限，"
            "请精简正文或将明细作为附件另行印发")


def _make_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serve data: URIs and files under the PDF asset folders; refuse the rest."""

        def __init__(self):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise ValueError(f"refused non-local URL: {url[:80]}")
            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path == root or root in path.parents for root in ALLOWED_ROOTS):
                raise ValueError(f"refused file outside the PDF assets: {path}")
            if not path.is_file():
                raise ValueError(f"missing asset: {path}")
            return URLFetcherResponse(url, path.read_bytes(), {}, 200)

    return AssetFetcher


_FETCHER_CLASS = None


def asset_fetcher():
    global _FETCHER_CLASS
    if _FETCHER_CLASS is None:
        _FETCHER_CLASS = _make_fetcher_class()
    return _FETCHER_CLASS()


def _jinja_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(PDF_TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yuan"] = money.format_yuan
    env.filters["wan"] = money.format_wan
    env.filters["rmb_upper"] = money.rmb_upper
    env.filters["cn_date"] = timeutil.chinese_date
    env.filters["cn_date_text"] = cn_date_text
    env.filters["wan_figure"] = wan_figure
    env.filters["wan_text"] = wan_text
    env.filters["yuan_figure"] = yuan_figure
    return env


def wan_figure(fen: int) -> str:
    """万元 figure for a table: two decimals (the 元 column keeps the exact amount)."""
    from decimal import ROUND_HALF_UP, Decimal

    return format(((Decimal(int(fen)) / Decimal(1_000_000)).quantize(Decimal("0.01"), ROUND_HALF_UP)), ",f")


def wan_text(fen: int) -> str:
    """万元 in running text: at most two decimals, trailing zeros dropped (960万元, 12.5万元)."""
    text = wan_figure(fen).replace(",", "")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "万元"


def yuan_figure(fen: int) -> str:
    """元 figure: 1,234,567.89 (no unit; the column head carries it)."""
    return money.format_yuan(fen).removesuffix("元")


def cn_date_text(value) -> str:
    """An ISO date (2026-12-29, or a date) -> 2026年12月29日; anything else unchanged."""
    from datetime import date

    if isinstance(value, date):
        return timeutil.chinese_date(value)
    try:
        return timeutil.chinese_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return value


JINJA = _jinja_env()


def render_html(template: str, context: dict) -> str:
    """Render ``template`` with ``context`` (plain data); template errors -> DocumentRenderError."""
    try:
        return JINJA.get_template(template).render(**context)
    except TemplateError as exc:
        raise DocumentRenderError(f"公文模板 {template} 渲染失败：{exc}") from exc


def qr_data_uri(url: str) -> str:
    """QR code of ``url`` as an SVG data URI (no image libraries, no files)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#000")


def _resources(mode: str):
    """(FontConfiguration, CSS) for ``mode``, built once per process."""
    cached = _CACHE.get(mode)
    if cached is not None:
        return cached
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    css_text = fonts.font_face_css(mode) + "\n" + STYLESHEET.read_text(encoding="utf-8")
    css = CSS(string=css_text, base_url=STYLESHEET.as_uri(), font_config=font_config,
              url_fetcher=asset_fetcher())
    _CACHE[mode] = (font_config, css)
    return _CACHE[mode]


PDF_OPTIONS = {"pdf_variant": "pdf/a-2b", "pdf_tags": True}


def _unique_font_names(seed: str):
    """A finisher giving the embedded subsets names unique to this document.

    WeasyPrint derives the six-letter subset tag from the font alone, so two documents
    share "ABCDEF+JB-Fang" for different glyph subsets, and a merged volume keeps one
    of them and loses the other's glyphs. The tag is re-derived from ``seed`` (the
    document's number and verification code) and the original tag.
    """
    import hashlib
    import re

    pattern = re.compile(rb"^/([A-Z]{6})\+")

    def tag(old: bytes) -> bytes:
        digest = hashlib.sha256(seed.encode() + b"|" + old).digest()
        return bytes(65 + b % 26 for b in digest[:6])

    def finisher(_document, pdf):
        for obj in pdf.objects:
            if not isinstance(obj, dict):
                continue
            for key in ("BaseFont", "FontName"):
                value = obj.get(key)
                if isinstance(value, str):
                    value = value.encode()
                if isinstance(value, bytes) and (match := pattern.match(value)):
                    obj[key] = b"/" + tag(match.group(1)) + value[7:]

    return finisher


def html_to_pdf(html: str, *, mode: str = "compact", seed: str = "") -> bytes:
    """Lay ``html`` out with the GB/T 9704 stylesheet and return PDF/A-2b bytes (tagged).

    An official document whose content ends on an odd page is laid out again with its
    版记 on the next even page (unnumbered, after a blank page when one is needed):
    the 版记 sits at the foot of the last page, and the last page is even.
    """
    from weasyprint import HTML

    check_budget(html)
    fonts.ensure_cjk_fonts(mode)
    if not _RENDER_LOCK.acquire(timeout=RENDER_WAIT_SECONDS):
        raise DocumentRenderError("公文生成繁忙，请稍后再试（未占用文号）")
    try:
        _close_icc_profile_file()
        font_config, css = _resources(mode)
        try:
            document = _layout(HTML, html, css, font_config)
            if len(document.pages) > MAX_PAGES:
                raise DocumentTooLong(f"公文共{len(document.pages)}页，超过单份公文{MAX_PAGES}页的上限，"
                                      "请精简正文或将明细作为附件另行印发")
            if 'class="official' in html and len(document.pages) % 2:
                document = _layout(HTML, html.replace('<body class="official', '<body class="banji-alone official', 1),
                                   css, font_config)
            return document.write_pdf(finisher=_unique_font_names(seed or html[:4096]), **PDF_OPTIONS)
        except DocumentTooLong:
            raise
        except Exception as exc:  # WeasyPrint raises many kinds; none may leave a half-issue
            raise DocumentRenderError(f"PDF 生成失败：{exc}") from exc
    finally:
        _RENDER_LOCK.release()


_PATCHED = False


def _close_icc_profile_file() -> None:
    """WeasyPrint opens its sRGB profile for every PDF/A document and never closes the
    file (a ResourceWarning per document): read it once, close it, reuse the bytes."""
    global _PATCHED
    if _PATCHED:
        return
    import io

    import weasyprint.pdf as wp_pdf

    original = wp_pdf.ColorProfile
    cache: dict[str, bytes] = {}

    class ClosingColorProfile(original):
        def __init__(self, file_object, src, *args):
            if src not in cache:
                with file_object:
                    cache[src] = file_object.read()
            else:
                file_object.close()
            super().__init__(io.BytesIO(cache[src]), src, *args)

    wp_pdf.ColorProfile = ClosingColorProfile
    _PATCHED = True


def _layout(html_class, html: str, css, font_config):
    document = html_class(string=html, base_url=PDF_TEMPLATES.as_uri() + "/", url_fetcher=asset_fetcher())
    return document.render(font_config=font_config, stylesheets=[css], **PDF_OPTIONS)


def reset_caches() -> None:
    """Forget the cached font configuration (after rebuilding fonts)."""
    with _RENDER_LOCK:
        _CACHE.clear()


def pdf_font_names(pdf: bytes) -> list[str]:
    """Base names of the fonts embedded in ``pdf`` (doctor output and tests)."""
    import io

    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")).lstrip("/"))
    return sorted(names)


# Drop the cached FontConfiguration while WeasyPrint's C bindings still exist
# (otherwise its __del__ fails noisily at interpreter exit).
atexit.register(reset_caches)
