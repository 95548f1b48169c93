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
    return _t2s().convert(unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns one character takes on screen: 2 for wide (CJK) and full-width characters, else 1."""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    """Columns text takes on screen: wide (CJK) characters count two."""
    return sum(map(char_width, text))
