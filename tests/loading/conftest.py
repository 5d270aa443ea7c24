"""Fixtures for the loading tests: source files built in tmp_path."""

from __future__ import annotations

import pytest


@pytest.fixture
def write(tmp_path):
    """write(relpath, text_or_bytes, encoding="utf-8") -> Path, creating folders."""

    def _write(rel, content, encoding="utf-8"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write
