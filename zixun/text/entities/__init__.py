"""People, places and organisations named in a text (see extract.py); the curated lexicon they are checked
against (lexicon.py), the shapes names take (shapes.py) and the names the tokenizer cut apart (pieces.py)."""

from zixun.text.entities.extract import LIMIT, named_entities, tagged_names
from zixun.text.entities.lexicon import KINDS, Lexicon, dictionary_words, entity_forms, lexicon, names_of
from zixun.text.entities.shapes import kind_of

__all__ = [
    "KINDS",
    "LIMIT",
    "Lexicon",
    "dictionary_words",
    "entity_forms",
    "kind_of",
    "lexicon",
    "named_entities",
    "names_of",
    "tagged_names",
]
