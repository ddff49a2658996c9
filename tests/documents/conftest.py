import subprocess
import sys

import pytest

from app.documents import fonts, render


@pytest.fixture(scope="session", autouse=True)
def compact_fonts():
    """The set-up (make assets) builds the compact faces; build them here if it has not run."""
    if not fonts.compact_faces():
        subprocess.run([sys.executable, str(fonts.ROOT / "scripts" / "build_fonts.py")], check=True)
        render.reset_caches()
    assert fonts.compact_faces(), "compact fonts could not be built"
