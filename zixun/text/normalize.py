"""Text normalisation applied before segmentation: width, case, traditional → simplified."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    # loads the conversion tables once (~10 ms)
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Fold text for matching: NFKC (full-width → ASCII), lower case, traditional → simplified."""
    return _t2s().convert(nfkc(text).lower())


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), a third faster on Chinese news.

    Each character first becomes its own NFKC form (，→ , and the like), which keeps the text's
    NFKC; what is then already normalised (nearly all news) skips the slower whole-text pass.
    """
    mapped = text.translate(_nfkc_table())
    return mapped if unicodedata.is_normalized("NFKC", mapped) else unicodedata.normalize("NFKC", mapped)


@lru_cache(maxsize=1)
def _nfkc_table() -> dict[int, str]:
    # the Basic Multilingual Plane's characters that NFKC changes (~4,800; built in a few ms)
    table = {}
    for code in range(0x10000):
        if not 0xD800 <= code <= 0xDFFF and unicodedata.normalize("NFKC", chr(code)) != chr(code):
            table[code] = unicodedata.normalize("NFKC", chr(code))
    return table


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns one character takes on screen: 2 for wide (CJK) and full-width characters, else 1."""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    """Columns text takes on screen: wide (CJK) characters count two."""
    return sum(map(char_width, text))
