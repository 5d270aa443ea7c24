"""Fixtures for the widget tests: a small synthetic project with non-ASCII text.

The texts are synthetic (no real people): an emoji outside the Basic Multilingual Plane
(two UTF-16 units), an emoji ZWJ sequence, a combining accent, and one document whose
stored text keeps CRLF line ends.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from widget_fixtures import make_book, make_corpus  # noqa: E402

from qualkit.project import Project  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "study.qkproj", make_corpus(), make_book())
    yield p
    p.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright (one per test module); skipped, with the
    reason, when Playwright is not installed or chromium cannot start."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) is not installed")
    from pagehost import launch

    with playwright_api.sync_playwright() as p:
        try:
            b = launch(p)
        except Exception as err:  # noqa: BLE001 - any launch failure: skip with the reason
            pytest.skip(f"chromium cannot start here ({str(err).splitlines()[0]})")
        yield b
        b.close()
