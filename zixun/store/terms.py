"""Document frequencies of keyword candidates, kept as articles come and go (IDF from the corpus)."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from zixun.store.dialect import add_counts
from zixun.store.schema import term_df


def document_frequencies(connection: sa.Connection, terms: set[str]) -> dict[str, int]:
    """df of each term that has one."""
    found: dict[str, int] = {}
    ordered = sorted(terms)
    for start in range(0, len(ordered), 5000):  # stays under SQLite's bound-parameter limit
        chunk = ordered[start:start + 5000]
        query = sa.select(term_df.c.term, term_df.c.df).where(term_df.c.term.in_(chunk))
        found.update((term, df) for term, df in connection.execute(query))
    return found


def add_document_frequencies(connection: sa.Connection, delta: Counter) -> None:
    """Add delta[term] to each term's df (negative to take an updated article's old terms back)."""
    rows = [{"term": t, "df": d} for t, d in sorted(delta.items()) if d]
    add_counts(connection, term_df, "term", "df", rows)


def clear_document_frequencies(connection: sa.Connection) -> None:
    """Forget every df (before a reindex counts them again)."""
    connection.execute(term_df.delete())


class FrequencyCache:
    """df lookups for one ingest run: each term is read from the store once, then kept up to date here."""

    def __init__(self) -> None:
        self._df: dict[str, int] = {}

    def get_many(self, connection: sa.Connection, wanted: set[str]) -> dict[str, int]:
        """df of the wanted terms (0 for unknown ones), reading only the terms not seen before."""
        missing = wanted.difference(self._df)
        if missing:
            found = document_frequencies(connection, missing)
            self._df.update((term, found.get(term, 0)) for term in missing)
        return self._df

    def add(self, connection: sa.Connection, delta: Counter) -> None:
        """Write delta to the store and to the cache."""
        add_document_frequencies(connection, delta)
        for term, change in delta.items():
            if term in self._df:
                self._df[term] += change
