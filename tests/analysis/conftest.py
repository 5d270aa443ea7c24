"""Fixtures for the analysis tests (builders in analysis_fixtures.py)."""

from __future__ import annotations

import pytest
from analysis_fixtures import build_codebook, build_codings, build_corpus

from qualkit import Corpus
from qualkit.codebook.model import Codebook


@pytest.fixture
def corpus() -> Corpus:
    return build_corpus()


@pytest.fixture
def book() -> Codebook:
    return build_codebook()


@pytest.fixture
def codings(corpus):
    return build_codings(corpus)
