"""Scale-out on Dask: code a corpus that outgrows one machine.

Auto-coding is a pure, picklable function over a batch of passages
(:func:`qualkit.coding.auto.code_batch`), so it maps over the partitions of a
``dask.dataframe`` of passages. The codebook is compiled once on the client; each worker
receives the compiled matcher with the task graph. Install with ``pip install
qualkit[dask]``.

Point it at an existing cluster by creating a client before calling :func:`code`::

    from dask.distributed import Client
    client = Client("tcp://scheduler-host:8786")     # or LocalCluster() for one machine
    codings = qualkit.scale.dask.code(passages_ddf, book).compute()

Example
-------
>>> import dask.dataframe as dd, qualkit                                  # doctest: +SKIP
>>> corpus = qualkit.load_corpus("data/demo")                             # doctest: +SKIP
>>> ddf = dd.from_pandas(corpus.passages_frame(), npartitions=4)          # doctest: +SKIP
>>> codings = qualkit.scale.dask.code(ddf, "codebooks/migrant_care.yaml").compute()  # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Any

from qualkit.codebook.model import Codebook
from qualkit.coding.auto import BATCH_COLUMNS, PROMPT, _as_book, code_batch
from qualkit.coding.frame import empty_codings, validate_codings
from qualkit.coding.matcher import compile_codebook
from qualkit.errors import QualkitError


def _require_dask() -> Any:
    try:
        import dask.dataframe as dd
    except ModuleNotFoundError as err:  # pragma: no cover - depends on the install
        raise QualkitError("Dask is not installed", hint="pip install 'qualkit[dask]'") from err
    return dd


def code(passages: Any, codebook: Codebook | str | os.PathLike[str], *, coder: str = "auto",
         include_prompts: bool = False) -> Any:
    """Auto-code a ``dask.dataframe`` of passages; returns the codings as a dask dataframe.

    ``passages`` needs the columns ``passage_id, doc_id, start, end, language, text``
    (``Corpus.passages_frame()`` has them); when it has a ``role`` column, passages with
    role ``prompt`` are left out unless ``include_prompts``, as in :func:`qualkit.code`.
    The result has the codings table's columns
    (:mod:`qualkit.coding.frame`); rows within a partition are sorted, and
    :func:`collect` gives the same table as :func:`qualkit.code` on one machine.
    """
    dd = _require_dask()
    if not isinstance(passages, dd.DataFrame):
        raise QualkitError(
            f"The 'passages' parameter of qualkit.scale.dask.code must be a dask DataFrame; got "
            f"{type(passages).__name__} instead",
            hint="wrap a pandas frame with dask.dataframe.from_pandas(frame, npartitions=N)",
        )
    missing = [c for c in BATCH_COLUMNS if c not in passages.columns]
    if missing:
        raise QualkitError(f"passages lack column(s) {missing}",
                           hint="use Corpus.passages_frame() as the source of the dask dataframe")
    book = _as_book(codebook)
    compiled = compile_codebook(book, cache_dir=None)
    if not include_prompts and "role" in passages.columns:
        passages = passages[passages["role"].fillna("") != PROMPT]
    return passages[list(BATCH_COLUMNS)].map_partitions(
        code_batch, compiled, coder=coder, meta=empty_codings(), align_dataframes=False
    )


def collect(codings: Any) -> Any:
    """Compute a dask codings frame into the canonical pandas codings table (sorted)."""
    return validate_codings(codings.compute().reset_index(drop=True))
