"""Token surfaces -> word-type ids through a packed hash index, and the code points of a
text classified and lowered with numpy.

Plain version (the tests' oracle): ``ids.setdefault(surface(text[s:e]), len(ids))`` per
token, with the tokens of :func:`qualkit.text.tokenize`. A token's surface (lowered
code points, 1, 2 or 4 bytes each) of up to 24 bytes is packed exactly into three 64-bit
words and hashed; the index keeps, per character width, the sorted hashes with their
packed words, byte lengths and ids, and a bucket table over the hashes' top bits so that a
look-up is a gather and a short scan. Longer tokens and hash clashes fall back to
``new_id``. At 5M words this keeps the tokeniser's per-token cost in numpy.

>>> import numpy as np
>>> codes, cls, low = code_points("Takut, takut")
>>> index, ids = SurfaceIndex(), {}
>>> text = "Takut, takut"
>>> index.lookup(low, np.array([0, 7]), np.array([5, 12]),
...              lambda s, e: ids.setdefault(text[s:e].lower(), len(ids))).tolist()
[0, 0]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from qualkit.text import char_class, char_lower

_KEY_BYTES = 24           # tokens up to this many bytes (1 byte per char for Latin-1 text)
_MIX = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)  # hash mixing constants


def _latin1_tables() -> tuple[np.ndarray, np.ndarray]:
    cls = np.asarray([char_class(chr(c)) for c in range(256)], dtype=np.uint8)
    low = np.asarray([ord(char_lower(chr(c))) for c in range(256)], dtype=np.int64)
    low = np.where(low < 256, low, np.arange(256))  # stay within one byte
    return cls, low.astype(np.uint8)


_LATIN1_CLASS, _LATIN1_LOWER = _latin1_tables()   # constants, computed once at import
_LATIN1_EXACT = bool((_LATIN1_LOWER == np.asarray(
    [ord(char_lower(chr(c))) for c in range(256)])).all())


def code_points(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(codes, classes, lowered codes)`` of every code point of ``text``."""
    if _LATIN1_EXACT:
        try:
            codes = np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
        except UnicodeEncodeError:
            codes = None
        if codes is not None:
            return codes, _LATIN1_CLASS[codes], _LATIN1_LOWER[codes]
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    present = np.zeros(int(codes.max(initial=0)) + 1, dtype=bool)   # distinct code points
    present[codes] = True                                           # by a mask: no sort
    uniq = np.flatnonzero(present)
    rank = np.zeros(len(present), dtype=np.int64)
    rank[uniq] = np.arange(len(uniq))
    inv = rank[codes]
    chars = [chr(c) for c in uniq.tolist()]
    cls = np.asarray([char_class(c) for c in chars], dtype=np.uint8)[inv]
    low = np.asarray([ord(char_lower(c)) for c in chars], dtype=np.uint32)[inv]
    if int(uniq[-1]) < 0x10000:
        return codes, cls, low.astype(np.uint16)
    return codes, cls, low


def _bucket_starts(sorted_hashes: np.ndarray) -> np.ndarray:
    """Where each bucket of hashes (by their top bits, about one hash per bucket) starts in
    the sorted array: ``2**bits + 1`` positions, the last one the array's length."""
    bits = int(min(22, max(1, int(len(sorted_hashes)).bit_length())))
    edges = np.arange(2 ** bits, dtype=np.uint64) << np.uint64(64 - bits)
    return np.r_[np.searchsorted(sorted_hashes, edges), len(sorted_hashes)].astype(np.int64)


def _find_sorted(sorted_hashes: np.ndarray, buckets: np.ndarray, h: np.ndarray) -> np.ndarray:
    """``np.searchsorted(sorted_hashes, h)`` through the bucket starts: one gather and a
    short scan per query instead of a binary search over the whole array."""
    bits = (len(buckets) - 1).bit_length() - 1
    b = (h >> np.uint64(64 - bits)).astype(np.int64)
    pos, end = buckets[b], buckets[b + 1]
    last = len(sorted_hashes) - 1
    todo = np.flatnonzero(pos < end)
    while len(todo):
        behind = sorted_hashes[np.minimum(pos[todo], last)] < h[todo]
        todo = todo[behind]
        pos[todo] += 1
        todo = todo[pos[todo] < end[todo]]
    return pos


class SurfaceIndex:
    """Packed hash index of token surfaces -> ids, one per character width."""

    def __init__(self) -> None:
        # per character width (1, 2, 4 bytes): sorted hash, packed key words, length, type id
        self._index: dict[int, tuple[np.ndarray, ...]] = {}
        self._buckets: dict[int, np.ndarray] = {}   # per width: see _bucket_starts

    def lookup(self, low: np.ndarray, starts: np.ndarray, ends: np.ndarray,
               new_id: Callable[[int, int], int]) -> np.ndarray:
        """The ids of the tokens ``[starts, ends)`` of a text whose lowered code points
        are ``low`` (from :func:`code_points`). Surfaces not in the index get their id
        from ``new_id(start, end)`` (once per distinct surface) and are added."""
        width = low.dtype.itemsize
        nbytes = (ends - starts) * width
        buf = np.zeros(low.nbytes + _KEY_BYTES + 8, dtype=np.uint8)
        buf[: low.nbytes] = low.view(np.uint8)
        words = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))  # unaligned
        off = starts * width
        keys = []
        h = nbytes.astype(np.uint64)
        with np.errstate(over="ignore"):
            for j in range(_KEY_BYTES // 8):
                rem = np.clip(nbytes - 8 * j, 0, 8)
                mask = np.where(rem >= 8, np.uint64(0xFFFFFFFFFFFFFFFF),
                                (np.left_shift(np.uint64(1), (8 * rem).astype(np.uint64)) - np.uint64(1)))
                k = words[off + 8 * j] & mask
                keys.append(k)
                h = h * np.uint64(_MIX[j]) + k
                h ^= h >> np.uint64(29)
        types = np.full(len(starts), -1, dtype=np.int64)
        short = nbytes <= _KEY_BYTES
        index = self._index.get(width)
        if index is not None and len(index[0]):
            ih, ik0, ik1, ik2, ilen, iid = index
            pos = np.minimum(_find_sorted(ih, self._buckets[width], h), len(ih) - 1)
            ok = (short & (ih[pos] == h) & (ik0[pos] == keys[0]) & (ik1[pos] == keys[1])
                  & (ik2[pos] == keys[2]) & (ilen[pos] == nbytes))
            types[ok] = iid[pos[ok]]
        unknown = np.flatnonzero(types < 0)
        if not len(unknown):
            return types
        # new types (or types first seen at this width): one string per distinct key
        unk_short = unknown[short[unknown]]
        add_h, add_rows = [], []
        if len(unk_short):
            # distinct hashes by hashing (cheaper than np.unique's sort); codes are numbered
            # in order of first appearance, so a code greater than all before it is a first
            inv, uh = pd.factorize(h[unk_short])
            first = np.flatnonzero(inv > np.maximum.accumulate(np.r_[-1, inv[:-1]]))
            reps = unk_short[first]
            rep_ids = np.asarray([new_id(s, e) for s, e in
                                  zip(starts[reps].tolist(), ends[reps].tolist())], dtype=np.int64)
            same = np.ones(len(unk_short), dtype=bool)
            for k in (*keys, nbytes):
                same &= k[unk_short] == k[reps][inv]
            types[unk_short[same]] = rep_ids[inv[same]]
            clash = np.zeros(len(uh), dtype=bool)
            clash[inv[~same]] = True
            known_h = index[0] if index is not None else np.zeros(0, dtype=np.uint64)
            fresh = ~clash & ~np.isin(uh, known_h)
            add_h, add_rows = uh[fresh], reps[fresh]
            add_ids = rep_ids[fresh]
        for i in np.flatnonzero(types < 0).tolist():   # long tokens and hash clashes
            types[i] = new_id(int(starts[i]), int(ends[i]))
        if len(add_h):
            new = (add_h, keys[0][add_rows], keys[1][add_rows], keys[2][add_rows], nbytes[add_rows], add_ids)
            if index is not None:
                new = tuple(np.concatenate([a, b]) for a, b in zip(index, new))
            order = np.argsort(new[0], kind="stable")
            self._index[width] = tuple(a[order] for a in new)
            self._buckets[width] = _bucket_starts(self._index[width][0])
        return types


__all__ = ["SurfaceIndex", "code_points"]
