"""Document frequencies of keyword candidates, kept as articles come and go (IDF from the corpus)."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from zixun.store import schema
from zixun.store.dialect import add_counts_by_key, among, chunks


def document_frequencies(connection: sa.Connection, terms: set[str]) -> dict[str, int]:
    """df of each term that has one."""
    found: dict[str, int] = {}
    for chunk in chunks(sorted(terms)):
        query = sa.select(schema.term_df.c.term, schema.term_df.c.df).where(
            among(connection, schema.term_df.c.term, chunk)
        )
        found.update((term, df) for term, df in connection.execute(query))
    return found


def add_document_frequencies(connection: sa.Connection, delta: Counter) -> None:
    """Add delta[term] to each term's df (negative to take an updated article's old terms back)."""
    add_counts_by_key(connection, schema.term_df, "term", "df", {t: d for t, d in sorted(delta.items()) if d})


def clear_document_frequencies(connection: sa.Connection) -> None:
    """Forget every df (before a reindex counts them again)."""
    connection.execute(schema.term_df.delete())


def has_document_frequencies(connection: sa.Connection) -> bool:
    """Whether any term has a df (a fresh store has none)."""
    return connection.execute(sa.select(schema.term_df.c.term).limit(1)).first() is not None


class FrequencyCache:
    """df for one ingest run: each term is read from the store once, then kept up to date here."""

    def __init__(self) -> None:
        self._df: dict[str, int] = {}
        self._complete: bool | None = None  # True when the store had no df: every unseen term has 0

    def update(self, connection: sa.Connection, delta: Counter, wanted: set[str]) -> dict[str, int]:
        """Count delta in; the df of the wanted terms and of delta's, delta included (the store is not written).

        The caller writes delta with add_document_frequencies; terms read later are never in an unwritten delta.
        """
        if self._complete is None:
            self._complete = not has_document_frequencies(connection)
        missing = wanted.union(delta).difference(self._df)
        found = {} if self._complete else document_frequencies(connection, missing)
        self._df.update((term, found.get(term, 0)) for term in missing)
        for term, change in delta.items():
            self._df[term] += change
        return self._df

    def counted(self) -> dict[str, int]:
        """The df of every term this cache has counted (all that its updates touched)."""
        return self._df

    def complete(self) -> bool:
        """Whether counted() holds every term's df (the store had none when this run began)."""
        return bool(self._complete)
