"""The curated names: the dictionary of people, places and organisations (entities.txt), the tagged words that
are not names (not_entities.txt) and the aliases merged into one name (entity_aliases.txt; traditional characters
are already folded to simplified by the tokenizer), and what the rest of zixun asks of them (the names of an
entity, the words the tokenizer must cut as one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from zixun.text.normalize import fold

KINDS = ("people", "places", "orgs")
_HERE = Path(__file__).parent
LEXICON, NOT_NAMES, ALIASES = _HERE / "entities.txt", _HERE / "not_entities.txt", _HERE / "entity_aliases.txt"
TEAMS, WORDS_FILE = _HERE / "teams.txt", _HERE / "words.txt"
# countries and Chinese divisions (scripts/make_gazetteer), world cities (by hand): places not cut as words
GAZETTEER = (_HERE / "places.txt", _HERE / "world_cities.txt")
# a place named with one of these is the place named without it (not shapes.PLACE_ENDINGS: the endings a place may have)
DIVISION_ENDINGS = ("地区", "市", "省")
TAG_KINDS = {"nr": "people", "nrfg": "people", "nrt": "people", "ns": "places", "nt": "orgs"}


@dataclass(frozen=True)
class Lexicon:
    """The curated names (folded word → kind), how to show them, the tagged words that are not names,
    aliases (variant → canonical name), and sports clubs and leagues (folded name → (league, whether the name is
    also an ordinary word or a place, so that it counts as the club only in an article about its sport))."""

    kinds: dict[str, str]
    shown: dict[str, str]
    not_names: frozenset[str]
    aliases: dict[str, str]
    teams: dict[str, tuple[str, bool]] = field(default_factory=dict)
    gazetteer: frozenset[str] = frozenset()  # the places of GAZETTEER, which the tokenizer does not load
    full_names: frozenset[str] = frozenset()  # aliases that are a club's home + its name, not cut as one word

    def canonical(self, word: str) -> str:
        """The name word is an alias of; else a place's name without a 市, 省 or 地区 it is known without (厦门市 →
        厦门, 上海地区 → 上海: one entity, one page); else word itself."""
        if word in self.aliases:
            return self.aliases[word]
        for ending in DIVISION_ENDINGS:
            if word.endswith(ending):
                stem = word[: -len(ending)]
                stem = self.aliases.get(stem, stem)
                if self.kinds.get(stem) == "places":
                    return stem
        return word

    def forms(self, name: str) -> list[str]:
        """Every name of the entity name (folded) is or is an alias of: its canonical name first."""
        canonical = self.canonical(name)
        return [canonical, *self._variants.get(canonical, ())]

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word the lexicon has as a name, an alias or a team (one set: the extractor asks it of every word)."""
        return frozenset(self.kinds.keys() | self.aliases.keys() | self.teams.keys())

    @cached_property
    def _variants(self) -> dict[str, tuple[str, ...]]:
        """canonical name → its aliases, sorted (found once: a story's headlines ask for every name's forms)."""
        variants: dict[str, list[str]] = {}
        for variant, name in self.aliases.items():
            if variant != name:
                variants.setdefault(name, []).append(variant)
        return {name: tuple(sorted(found)) for name, found in variants.items()}

    def display(self, word: str) -> str:
        """How a name is shown: as the dictionary spells it (NBA, not the folded nba)."""
        return self.shown.get(word, word)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon (read once per process, a few ms)."""
    kinds, shown = {}, {}
    for word, tag in _pairs(LEXICON):
        key = fold(word)
        if tag in TAG_KINDS and key not in kinds:
            kinds[key], shown[key] = TAG_KINDS[tag], word
    aliases = {fold(variant): fold(name) for variant, name in _pairs(ALIASES)}
    not_names = frozenset(fold(w) for line in _lines(NOT_NAMES) for w in line.split())
    teams, full_names = {}, {}
    for line in _lines(TEAMS):
        name, league, *rest = line.split()
        key, ambiguous = fold(name), "?" in rest
        teams[key] = (fold(league), ambiguous)
        shown.setdefault(key, name)
        if not ambiguous:  # a club's name that is nothing else is an organisation wherever it is named
            kinds[key] = "orgs"
        full_names[key + "队"] = key  # 灰熊队 → 灰熊: one club, one page
        for home in (fold(city) for word in rest if word.startswith("@") for city in word[1:].split("/")):
            full_names |= {home + key: key, home + key + "队": key}  # 密尔沃基雄鹿(队) → 雄鹿
    aliases = full_names | aliases  # a line of entity_aliases.txt says more than a club's home
    # a name the curated files give, or list as no name (牛津 of 牛津大学, 圣保罗), keeps what they say
    gazetteer = frozenset(
        key
        for path in GAZETTEER
        for word, _ in _pairs(path)
        if (key := fold(word)) not in kinds and key not in not_names
    )
    kinds.update((key, "places") for key in gazetteer)
    return Lexicon(kinds, shown, not_names, aliases, teams, gazetteer, frozenset(full_names))


def _sections(path: Path) -> dict[str, frozenset[str]]:
    """The words of each [section] of a word list (words.txt), folded."""
    found: dict[str, set[str]] = {}
    section = ""
    for line in _lines(path):
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            found[section] = set()
        else:
            found[section].update(fold(word) for word in line.split())
    return {name: frozenset(words) for name, words in found.items()}


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def _pairs(path: Path) -> list[tuple[str, str]]:
    """(word, tag) of each line; a Latin-script name of several words is written with underscores (Elon_Musk)."""
    return [(line.split()[0].replace("_", " "), line.split()[1]) for line in _lines(path) if len(line.split()) >= 2]


def entity_forms(text: str) -> list[str]:
    """The names a search for text matches: all names of the entity text names (海格塞斯 → 赫格塞思 and its
    aliases), else text alone."""
    known = lexicon()
    key = fold(text)
    if key in known.aliases or key in known.kinds:
        forms = known.forms(key)
        return forms if len(forms) > 1 else [text]
    return [text]


def names_of(name: str) -> tuple[list[str], list[str]]:
    """The names of the entity a reader asks for by any of them (traditional characters, another
    transliteration, any case), the one shown first; and every name it may be stored under."""
    known = lexicon()
    key = known.canonical(fold(name.strip()))
    forms = [known.display(f) for f in known.forms(key)]
    return forms, list(dict.fromkeys([*forms, name.strip(), key]))


def dictionary_words() -> list[tuple[str, str]]:
    """(word, jieba tag) of every curated name and alias, for the tokenizer to cut each as one word."""
    known = lexicon()
    tags = {kind: tag for tag, kind in reversed(TAG_KINDS.items())}
    words = [
        (word, tags[kind]) for word, kind in known.kinds.items() if " " not in word and word not in known.gazetteer
    ]
    words += [(word, "nt") for word in known.teams if word not in known.kinds]
    for variant, name in known.aliases.items():
        kind = known.kinds.get(name) or known.kinds.get(variant)
        if kind and variant not in known.full_names:
            words.append((variant, tags[kind]))
    return words


WORDS = _sections(WORDS_FILE)  # read once, on import (a few hundred words)
