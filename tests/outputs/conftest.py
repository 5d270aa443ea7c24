"""Fixtures of the output tests: the tiny study of :mod:`tiny_study`, analysed."""

from __future__ import annotations

import pytest
from tiny_study import make_analysis


@pytest.fixture(scope="module")
def analysis():
    return make_analysis()


@pytest.fixture(scope="module")
def analysis_factory():
    """``make_analysis(language=..., redacted=...)`` for tests that need a variant."""
    return make_analysis
