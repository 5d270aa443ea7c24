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
