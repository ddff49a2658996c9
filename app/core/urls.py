from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login or language switch."""
    if not target:
        return None
    # Browsers drop tabs and newlines inside URLs: "/\t/evil.example" becomes "//evil.example".
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


MAX_DB_INTEGER = 2**63 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that never exceeds a 64-bit database integer.

    A tampered id such as ``/admin/organisations/99999999999999999999`` is then a
    plain 404 instead of an overflow error inside the database driver.
    """

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_DB_INTEGER if max is None else max, signed=signed)
