"""Fingerprints of an article's text for near-duplicate detection: the text a repost keeps of its original
(folded, page boilerplate and punctuation dropped), its character shingles, and a MinHash signature cut
into band keys for locality-sensitive lookup. No I/O: the store keeps the band keys (store/duplicates.py)
and the dedup room decides (zixun/dedup/).

A repost's wrapping is not its text: 来源/原标题/作者/编辑 lines before it, 责任编辑/声明 lines and a
相关阅读 list after it. Traditional characters are folded to simplified (text/normalize.py), so a Big5
repost has the same shingles as its simplified original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zixun.text.normalize import fold

SHINGLE = 5  # characters per shingle: 5-grams of Chinese text seldom repeat across independent reports
PERMUTATIONS = 126  # MinHash values per signature
ROWS = 3  # values per band: 42 bands; a pair at Jaccard 0.5 shares a band with probability 0.996, at 0.2 0.29
BANDS = PERMUTATIONS // ROWS
MIN_SHINGLES = 30  # shorter texts (a caption, a one-line brief) are too short to call copies of anything
SEED = 20181030
WRAPPER_CHARS = 150  # a longer line that starts like a wrapper (作者 ...) is a paragraph of the article

# a line that wraps a copy rather than belongs to it (folded text: 【】 became [], full-width colons ":")
_WRAPPER_LINE = re.compile(
    r"^\W{0,3}(来源|来自|稿源|原标题|原题|本文来源|文章来源|本文来自|作者|记者|编辑|责任编辑|责编|实习编辑|"
    r"审核|校对|声明|免责声明|版权声明|特别声明|转载|原文链接|原文|图片来源|图源|文|撰文|出品)\W{0,3}([:|/\s]|$)"
)
# a line after which only a list of other articles follows
_FOOTER_START = re.compile(r"^\W{0,3}(相关阅读|延伸阅读|推荐阅读|相关新闻|相关文章|相关内容|热门推荐|更多阅读)\W{0,3}$")
# the same wrappers inline, as one-line bodies carry them: (责任编辑:张三) [来源:新华社]
_WRAPPER_INLINE = re.compile(r"[(\[]\s*(来源|责任编辑|编辑|责编|作者|记者|原标题)\s*:[^()\[\]]{0,40}[)\]]")
# style rules a page left in its text (.tech-con p{margin:0}): the same on every page of a site
_STYLE_RULE = re.compile(r"[a-z0-9_.#,:>*\s-]*\{[^{}]*\}")
_NOT_TEXT = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")


def text_of(body: list[str] | str, folded: bool = False) -> str:
    """What is compared of an article's body: folded, wrapper lines and footers dropped, letters and digits only.
    folded: the lines are folded already (the text stage's cut folded them)."""
    lines = body.split("\n") if isinstance(body, str) else body
    kept = []
    for line in lines:
        line = (line if folded else fold(line)).strip()
        if _FOOTER_START.match(line):
            break
        if len(line) <= WRAPPER_CHARS and _WRAPPER_LINE.match(line):
            continue
        kept.append(_STYLE_RULE.sub("", _WRAPPER_INLINE.sub("", line)))
    return _NOT_TEXT.sub("", "".join(kept))


def shingles(text: str) -> np.ndarray:
    """The distinct SHINGLE-character substrings of text (compared text, see text_of), as sorted 64-bit
    hashes (vectorised: a per-shingle Python hash would cost more than the rest of the stage)."""
    if len(text) < SHINGLE:
        return np.zeros(0, np.uint64)
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32).astype(np.uint64)
    hashes = np.zeros(len(points) - SHINGLE + 1, np.uint64)
    for offset in range(SHINGLE):  # a polynomial hash modulo 2**64 (uint64 arithmetic wraps)
        hashes = hashes * _BASE + points[offset : offset + len(hashes)]
    return np.unique(_mix(hashes))


@dataclass(frozen=True)
class Overlap:
    """How much two shingle sets share: of the first, of the smaller one, and of their union."""

    of_first: float
    of_smaller: float
    jaccard: float


def overlap(first: np.ndarray, second: np.ndarray) -> Overlap:
    """The overlap of two shingle sets (0 when either is empty)."""
    if not len(first) or not len(second):
        return Overlap(0.0, 0.0, 0.0)
    common = len(np.intersect1d(first, second, assume_unique=True))
    union = len(first) + len(second) - common
    return Overlap(common / len(first), common / min(len(first), len(second)), common / union)


def band_keys(found: np.ndarray) -> list[int]:
    """The BANDS lookup keys of a shingle set's MinHash signature (signed 64-bit, band number mixed in);
    [] for a set too small to fingerprint."""
    if len(found) < MIN_SHINGLES:
        return []
    rows = signature_of(found).astype(np.uint64).reshape(BANDS, ROWS)
    key = np.arange(BANDS, dtype=np.uint64)  # the band number is part of its key
    with np.errstate(over="ignore"):
        for column in range(ROWS):
            key = _mix(key * _BASE + rows[:, column])
    return key.view(np.int64).tolist()


def packed_keys(body: list[str] | str, folded: bool = False) -> bytes:
    """The band keys of a body, packed as int64 bytes (340 bytes; a list of Python ints takes 2 KB); folded: its
    lines are folded already (text_of)."""
    return np.array(band_keys(shingles(text_of(body, folded))), np.int64).tobytes()


def unpacked_keys(packed: bytes) -> list[int]:
    """The band keys packed_keys() packed."""
    return np.frombuffer(packed, np.int64).tolist()


def signature_of(found: np.ndarray) -> np.ndarray:
    """The MinHash signature of a shingle set: PERMUTATIONS minima of (a·h + b) mod 2**32 (a odd: each a
    permutation of the 32-bit values) over the shingles' well-mixed high halves, all at once (32-bit lanes:
    twice as fast as 64-bit ones, many times datasketch's per-shingle loop)."""
    a, b = _permutations()
    values = (found >> np.uint64(32)).astype(np.uint32)
    with np.errstate(over="ignore"):
        permuted = values[:, None] * a + b
    return permuted.min(axis=0)


_BASE = np.uint64(1_000_003)


def _mix(hashes: np.ndarray) -> np.ndarray:
    # splitmix64's finaliser: every input bit reaches the high half that signatures use
    with np.errstate(over="ignore"):
        hashes = (hashes ^ (hashes >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        hashes = (hashes ^ (hashes >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return hashes ^ (hashes >> np.uint64(31))


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # drawn once from a fixed seed, so signatures stay comparable across processes and versions
    generator = np.random.default_rng(SEED)
    a = generator.integers(0, 1 << 32, size=PERMUTATIONS, dtype=np.uint32, endpoint=False) | np.uint32(1)
    b = generator.integers(0, 1 << 32, size=PERMUTATIONS, dtype=np.uint32, endpoint=False)
    return a, b
