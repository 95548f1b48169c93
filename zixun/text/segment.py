"""The one tokenizer: every Chinese word boundary in zixun comes from here (rjieba / jieba-rs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from zixun.text.normalize import fold

if TYPE_CHECKING:
    import rjieba

_WORD_CHARS = re.compile(r"\w+")
_CJK = re.compile(r"^[\u3400-\u9fff]+$")
_CAPITALISED = re.compile(r"(?<![A-Za-z0-9])[a-z0-9]*[A-Z][A-Za-z0-9]*")  # a Latin word with a capital letter
# Bundled words that the stock dictionary splits (names in the seed page and in 2018 news).
_BUNDLED_DICT = Path(__file__).with_name("userdict.txt")


# A word with its part-of-speech tag (jieba's tag set: n, nr, ns, nt, v, x ...), as rjieba returns it.
Token = tuple[str, str]


@dataclass(frozen=True)
class Segmented:
    """Text cut into words: tagged tokens for analysis, folded terms for the search index.

    tokens are rjieba's as they come, whitespace included (tagged x: never a keyword or a name).
    """

    tokens: list[Token]
    terms: list[str]
    subterms: list[str]
    # Latin words the text writes with a capital (folded word → as written: musk → Musk): folding lower-cases
    # them, and a capital is what says Michael Yerger is a name
    cased: dict[str, str] = field(default_factory=dict)
    # the text as folded for the cut (normalize.fold): the fingerprint reads the body's lines from it rather than
    # folding them again (text/analysis.py)
    folded: str = ""


class Segmenter:
    """rjieba with the bundled and the operator's user dictionaries loaded."""

    def __init__(self, user_dicts: tuple[Path, ...] = ()):
        # building the dictionary costs ~130 ms; done once per process (see segmenter()). rjieba loads its
        # stock dictionary (~34 MB) on import: imported here, a process that never segments (an ingest
        # whose worker processes segment) does not hold it
        import rjieba

        self._jieba = rjieba.Jieba()
        self._subword_cache: dict[str, list[str]] = {}
        from zixun.text.entities import dictionary_words  # entities reads tokens: imported here, not at the top

        for word, tag in dictionary_words():  # curated names cut as one word; stock words keep their weight
            if not self._jieba.has_word(word):
                self._jieba.add_word(word, None, tag)
        for path in (_BUNDLED_DICT, *user_dicts):
            load_user_dict(self._jieba, path)

    def tag(self, text: str) -> list[Token]:
        """Cut text into words with part-of-speech tags, whitespace dropped."""
        return [pair for pair in self._jieba.tag(fold(text)) if not pair[0].isspace()]

    def knows(self, word: str) -> bool:
        """Whether word is in the dictionary (a word the tokenizer did not know is a new one it found)."""
        return self._jieba.has_word(word)

    def terms(self, text: str) -> list[str]:
        """Search terms of text in order: folded words, punctuation dropped, split at non-word chars."""
        return index_terms(self._jieba.cut(fold(text)))

    def segment(self, text: str) -> Segmented:
        """Tag text once and derive the index terms and sub-word terms from the same cut."""
        folded = fold(text)
        tokens = self._jieba.tag(folded)
        terms = index_terms(map(itemgetter(0), tokens))
        return Segmented(tokens, terms, self._subterms(terms), capitalised(text), folded)

    def _subterms(self, terms: list[str]) -> list[str]:
        # cut_for_search's extra words: dictionary 2- and 3-grams inside long words (人民 in 中华人民共和国)
        extra = []
        for term in (t for t in terms if len(t) > 2):
            found = self._subword_cache.get(term)
            if found is None:
                found = self._dictionary_grams(term) if _CJK.match(term) else []
                if len(self._subword_cache) < 500_000:  # news vocabulary repeats; bound the memory
                    self._subword_cache[term] = found
            extra.extend(found)
        return extra

    def _dictionary_grams(self, term: str) -> list[str]:
        return [g for n in (2, 3) for g in _grams(term, n) if g != term and self._jieba.has_word(g)]


def capitalised(text: str) -> dict[str, str]:
    """The Latin words text writes with a capital (Michael, VMware, CBS): lower case → as written."""
    return {word.lower(): word for word in _CAPITALISED.findall(text)}


def _grams(word: str, n: int) -> list[str]:
    return [word[i : i + n] for i in range(len(word) - n + 1)]


def index_terms(words) -> list[str]:
    """Words as index terms: split at non-word characters (GPT-4o → gpt 4o), punctuation gone."""
    out: list[str] = []
    for word in words:
        if word.isalnum():  # C-speed fast path: most words are all letters or digits
            out.append(word)
        elif not word.isspace():
            out.extend(_WORD_CHARS.findall(word))
    return out


def load_user_dict(jieba: rjieba.Jieba, path: Path) -> int:
    """Add a jieba-format user dictionary (word [freq] [tag] per line); returns words added."""
    added = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        jieba.add_word(fold(parts[0]), freq, tag)
        added += 1
    return added


@lru_cache(maxsize=4)
def segmenter(user_dicts: tuple[Path, ...] = ()) -> Segmenter:
    """The process-wide segmenter for these user dictionaries (built lazily, once)."""
    return Segmenter(user_dicts)
