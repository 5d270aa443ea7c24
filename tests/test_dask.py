"""Scale-out: coding on a 2-worker LocalCluster equals single-process coding."""

import pandas as pd
import pytest

import qualkit
import qualkit.scale.dask
from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.corpus import Corpus, Document, Passage

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed")
distributed = pytest.importorskip("dask.distributed", reason="the dask extra is not installed")

SENTENCES = [
    "Paspor saya ditahan oleh agen dan saya sangat ketakutan.",
    "Keluarga melapor ke KBRI setelah ponsel saya disita.",
    "My passport was taken and I was afraid to leave.",
    "Kami makan siang bersama di kantor.",
    "Saya tidak takut lagi karena keluarga mendukung.",
]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    docs, passages = [], []
    for i in range(40):
        lang = "en" if i % 5 == 2 else "id"
        text = SENTENCES[i % 5] + " " + SENTENCES[(i * 3) % 5]
        doc = Document(id=f"d{i:02d}.txt", text=text, language=lang, source_type="interview")
        docs.append(doc)
        passages.append(Passage(doc.id, f"{doc.id}#p1", 0, len(text), text))
    return Corpus(documents=tuple(docs), passages=tuple(passages))


@pytest.fixture(scope="module")
def book() -> Codebook:
    return Codebook(name="t", codes=(
        Code(id="docs", name="Documents", cues=(Cue("paspor"), Cue("passport", lang="en"))),
        Code(id="fear", name="Fear", cues=(Cue("takut"), Cue("afraid", lang="en"))),
        Code(id="phone", name="Phone", cues=(Cue("ponsel", kind="near", near="sita", window=3),)),
    ))


def test_dask_codes_equal_single_process(corpus, book):
    single = qualkit.code(corpus, book, cache_dir=None)
    assert len(single) > 10  # the fixture really exercises every code
    assert set(single["code_id"]) == {"docs", "fear", "phone"}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        ddf = dd.from_pandas(corpus.passages_frame(), npartitions=4)
        result = qualkit.scale.dask.collect(qualkit.scale.dask.code(ddf, book))
    pd.testing.assert_frame_equal(result, single)


def test_dask_code_refuses_a_pandas_frame(corpus, book):
    with pytest.raises(qualkit.QualkitError, match="dask DataFrame"):
        qualkit.scale.dask.code(corpus.passages_frame(), book)


def test_dask_leaves_prompts_out_unless_asked(corpus, book):
    frame = corpus.passages_frame()
    frame["role"] = ["prompt" if i % 2 else None for i in range(len(frame))]
    ddf = dd.from_pandas(frame, npartitions=2)
    with dask_config():
        got = qualkit.scale.dask.collect(qualkit.scale.dask.code(ddf, book))
        every = qualkit.scale.dask.collect(qualkit.scale.dask.code(ddf, book, include_prompts=True))
    prompts = set(frame.loc[frame["role"].eq("prompt"), "passage_id"])
    assert prompts and not prompts & set(got["passage_id"]) and prompts & set(every["passage_id"])


def dask_config():
    import dask

    return dask.config.set(scheduler="synchronous")
