"""Stories in the store: each clustered article's keys (candidate lookup by SQL, as near-duplicates' band
keys), the scored links between articles of one event, and the stories of two or more members; written by
the stories room (zixun/stories/), read by pages, related lists, export and evaluation.

A story is visible only with two or more members: an article alone has no story (of_article gives None).
Reads go through indexes (story_members is keyed by article and indexed by (story, listed_at, article)), so
a story of thousands of articles costs an article page one indexed row and a members page one index range.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa

from zixun.models import Article, Story
from zixun.store import articles, schema
from zixun.store.articles import select_articles, to_article
from zixun.store.dialect import BOUND, among, chunks, insert_many
from zixun.store.pairs import forget_both_ways

_STORIES = schema.stories.c
_MEMBERS = schema.story_members.c
_KEYS = schema.story_keys.c
_LINKS = schema.story_links.c
_DONE = schema.story_done.c
_A = schema.articles.c


# what the stories room writes and reads while it clusters


def pending(connection: sa.Connection, ids: list[str] | None = None) -> list[str]:
    """Ids of articles (of all, or of ids) never clustered, or clustered as an older version of the article,
    in store order."""
    return articles.stale(connection, schema.story_done, ids)


def gone(connection: sa.Connection) -> list[str]:
    """Ids of clustered articles (or story members) no longer stored (deleted since)."""
    found: set[str] = set()
    for column in (_DONE.article_id, _MEMBERS.article_id):
        query = sa.select(column).outerjoin(schema.articles, _A.id == column).where(_A.id.is_(None))
        found.update(connection.execute(query).scalars())
    return sorted(found)


_FEATURE_COLUMNS = (
    _A.n,
    _A.id,
    _A.title,
    _A.body,
    _A.title_terms,
    _A.candidates,
    _A.keywords,
    _A.entities,
    _A.source,
    _A.published_at,
    _A.ingested_at,
    _A.updated_at,
)


def feature_rows(connection: sa.Connection, ids: list[str], chunk: int = BOUND) -> Iterator[list[sa.Row]]:
    """The rows (n, id, title, body, title_terms, candidates, keywords, entities, source, published_at, ingested_at,
    updated_at) of those of ids still stored, a list per chunk of ids (a reader keeps what it needs of a chunk
    before the next is read: the parsed keyword candidates are ~12 KB an article)."""
    for part in chunks(sorted(set(ids)), chunk):
        yield list(connection.execute(sa.select(*_FEATURE_COLUMNS).where(among(connection, _A.id, part))))


def document_count(connection: sa.Connection) -> int:
    return articles.count(connection)


def forget(connection: sa.Connection, ids: list[str]) -> set[str]:
    """Drop the keys, links and done marks of these articles (not their story memberships: deciding their
    stories again replaces those); the ids they were linked with."""
    linked = forget_both_ways(connection, schema.story_links, ids)
    for chunk in chunks(ids):
        connection.execute(schema.story_keys.delete().where(among(connection, _KEYS.article_id, chunk)))
        connection.execute(schema.story_done.delete().where(among(connection, _DONE.article_id, chunk)))
    return linked - set(ids)


def sharing(connection: sa.Connection, keys: Iterable[str], limit: int) -> dict[str, list[str]]:
    """{key: ids of the clustered articles with that key, in id order, the first limit of them} for those of
    keys stored (a batch's lookup; a common key's other articles are never sent from the database)."""
    found: dict[str, list[str]] = {}
    for chunk in chunks(sorted(set(keys))):
        rank = sa.func.row_number().over(partition_by=_KEYS.key, order_by=_KEYS.article_id)
        ranked = (
            sa.select(_KEYS.key, _KEYS.article_id, rank.label("rank"))
            .where(among(connection, _KEYS.key, chunk))
            .subquery()
        )
        query = sa.select(ranked.c.key, ranked.c.article_id).where(ranked.c.rank <= limit)
        for key, article_id in connection.execute(query):
            found.setdefault(key, []).append(article_id)
    for ids in found.values():
        ids.sort()
    return found


def save(
    connection: sa.Connection, keys: dict[str, list[str]], links: list[tuple[str, str, float]], versions: dict
) -> None:
    """Store articles' keys ({id: keys}), their links ((id, other id, score), kept both ways) and the versions
    ({id: updated_at}) now clustered."""
    # keys and links are many plain rows (~40 keys an article): COPY on PostgreSQL (dialect.insert_many)
    rows = [{"key": k, "article_id": a} for a, found in keys.items() for k in sorted(set(found))]
    insert_many(connection, schema.story_keys, rows)
    pairs = {(a, b): s for a, b, s in links} | {(b, a): s for a, b, s in links}
    insert_many(
        connection, schema.story_links, [{"article_id": a, "other_id": b, "score": s} for (a, b), s in pairs.items()]
    )
    if versions:
        connection.execute(
            schema.story_done.insert(), [{"article_id": a, "updated_at": u} for a, u in versions.items()]
        )


def linked_with(connection: sa.Connection, ids: list[str]) -> dict[str, dict[str, float]]:
    """{id: {other id: score}} of the links of these articles."""
    found: dict[str, dict[str, float]] = {}
    for chunk in chunks(ids):
        query = sa.select(_LINKS.article_id, _LINKS.other_id, _LINKS.score).where(
            among(connection, _LINKS.article_id, chunk)
        )
        for article_id, other_id, score in connection.execute(query):
            found.setdefault(article_id, {})[other_id] = score
    return found


def copies_of(connection: sa.Connection, ids: list[str]) -> dict[str, str]:
    """{repost id: its original's id} of the duplicate groups (store/duplicates.py) these articles are in."""
    found: dict[str, str] = {}
    decided = schema.duplicates.c
    for chunk in chunks(ids):
        query = sa.select(decided.article_id, decided.original_id).where(
            sa.or_(among(connection, decided.article_id, chunk), among(connection, decided.original_id, chunk))
        )
        found.update(connection.execute(query).all())
    originals = sorted(set(found.values()) - set(ids))
    for chunk in chunks(originals):  # the other reposts of an original reached through one repost
        query = sa.select(decided.article_id, decided.original_id).where(among(connection, decided.original_id, chunk))
        found.update(connection.execute(query).all())
    return found


def story_of_members(connection: sa.Connection, ids: list[str]) -> dict[str, int]:
    """{id: story id} of those of ids in a story."""
    found: dict[str, int] = {}
    for chunk in chunks(ids):
        query = sa.select(_MEMBERS.article_id, _MEMBERS.story_id).where(among(connection, _MEMBERS.article_id, chunk))
        found.update(connection.execute(query).all())
    return found


def members_of_stories(connection: sa.Connection, story_ids: Iterable[int]) -> dict[int, set[str]]:
    """{story id: its member ids}."""
    found: dict[int, set[str]] = {}
    for chunk in chunks(sorted(set(story_ids))):
        query = sa.select(_MEMBERS.story_id, _MEMBERS.article_id).where(among(connection, _MEMBERS.story_id, chunk))
        for story_id, article_id in connection.execute(query):
            found.setdefault(story_id, set()).add(article_id)
    return found


def decide(
    connection: sa.Connection,
    components: list[tuple[list[str], list[list[str]]]],
    facts: dict,
    reposts: set[str],
    now: datetime,
) -> list[set[int]]:
    """Make the stories of the articles of each component (members, clusters) what its clusters say (each a
    list of two or more of them; the members in none stand alone); a story's members are all in one component.
    facts: {id: its row's id, title, source, published_at and ingested_at} of the members; reposts: those that
    are reposts. A cluster keeps the id of the old story it shares most members with, and its decision time
    when its members are the same. Returns, for each component, the ids of its stories whose membership
    changed (or that ended). All components are written with a few statements."""
    everyone = [a for members, _ in components for a in members]
    before = story_of_members(connection, everyone)
    old = members_of_stories(connection, set(before.values()))
    changed: list[set[int]] = []
    taken: set[int] = set()
    kept: list[tuple[int | None, list[str], set[int]]] = []
    for members, clusters in components:
        mine: set[int] = set()
        for cluster in sorted(clusters, key=len, reverse=True):
            overlap: dict[int, int] = {}
            for article_id in cluster:
                if article_id in before:
                    overlap[before[article_id]] = overlap.get(before[article_id], 0) + 1
            choices = sorted((-count, story_id) for story_id, count in overlap.items() if story_id not in taken)
            story_id = choices[0][1] if choices else None
            if story_id is not None:
                taken.add(story_id)
            kept.append((story_id, cluster, mine))
        # the component's old stories left with no cluster end
        mine.update({before[a] for a in members if a in before} - taken)
        changed.append(mine)
    for chunk in chunks(everyone):
        connection.execute(schema.story_members.delete().where(among(connection, _MEMBERS.article_id, chunk)))
    for chunk in chunks(sorted(set(old) - taken)):
        connection.execute(schema.stories.delete().where(among(connection, _STORIES.id, chunk)))
    same_rows, new_rows, rows = [], [], []
    for story_id, cluster, mine in kept:
        values = _summary(cluster, facts, reposts)
        if story_id is None:
            values["decided_at"] = now
            story_id = connection.execute(schema.stories.insert().values(**values)).inserted_primary_key[0]
            mine.add(story_id)
        elif old.get(story_id) == set(cluster):
            same_rows.append({"story_id": story_id, **values})
        else:
            new_rows.append({"story_id": story_id, **values, "decided_at": now})
            mine.add(story_id)
        rows.extend({"article_id": a, "story_id": story_id, "listed_at": _listed_at(facts[a])} for a in cluster)
    for updates in (same_rows, new_rows):
        if updates:
            # executemany: the SET columns are the other keys of the rows
            connection.execute(schema.stories.update().where(_STORIES.id == sa.bindparam("story_id")), updates)
    for part in chunks(rows):
        connection.execute(schema.story_members.insert(), part)
    return changed


def _listed_at(row: sa.Row) -> datetime:
    return row.published_at or row.ingested_at


def _summary(cluster: list[str], facts: dict, reposts: set[str]) -> dict:
    """The stories row of a cluster of article ids."""
    rows = sorted((facts[a] for a in cluster), key=lambda r: (_listed_at(r), r.id))
    originals = [r for r in rows if r.id not in reposts] or rows
    first = originals[0]
    times = [r.published_at for r in rows if r.published_at is not None]
    return {
        "title": first.title,
        "first_article_id": first.id,
        "started_at": min(times) if times else None,
        "updated_at": max(times) if times else None,
        "size": len(rows),
        "sources": len({r.source for r in rows if r.source}),
    }


def clear(connection: sa.Connection) -> None:
    """Forget every key, link and story (reindex clusters everything again)."""
    for table in (schema.story_members, schema.stories, schema.story_links, schema.story_keys, schema.story_done):
        connection.execute(table.delete())


def analyze(connection: sa.Connection) -> None:
    """Refresh the planner's statistics of the keys and links after a large pass (PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE story_keys")
        connection.exec_driver_sql("ANALYZE story_links")
        connection.exec_driver_sql("ANALYZE story_members")


# reads: what pages, related lists, export and evaluation ask

_STORY_COLUMNS = (
    _STORIES.id,
    _STORIES.title,
    _STORIES.first_article_id,
    _STORIES.started_at,
    _STORIES.updated_at,
    _STORIES.size,
    _STORIES.sources,
    _STORIES.decided_at,
)
_GET = sa.select(*_STORY_COLUMNS).where(_STORIES.id == sa.bindparam("story_id"))
_OF_ARTICLE = (
    sa.select(*_STORY_COLUMNS)
    .join(schema.story_members, _MEMBERS.story_id == _STORIES.id)
    .where(_MEMBERS.article_id == sa.bindparam("article_id"))
)
_MEMBERS_PAGE = (
    select_articles(body=False)
    .join(schema.story_members, _MEMBERS.article_id == _A.id)
    .where(_MEMBERS.story_id == sa.bindparam("story_id"))
    .order_by(_MEMBERS.listed_at, _MEMBERS.article_id)
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_MEMBER_IDS = (
    sa.select(_MEMBERS.article_id)
    .where(_MEMBERS.story_id == sa.bindparam("story_id"))
    .order_by(_MEMBERS.listed_at, _MEMBERS.article_id)
)


def _story(row: sa.Row) -> Story:
    return Story(**row._mapping)


def get(connection: sa.Connection, story_id: int) -> Story | None:
    """The story with this id, or None."""
    row = connection.execute(_GET, {"story_id": story_id}).first()
    return _story(row) if row else None


def of_article(connection: sa.Connection, article_id: str) -> Story | None:
    """The story an article is in; None when it stands alone."""
    row = connection.execute(_OF_ARTICLE, {"article_id": article_id}).first()
    return _story(row) if row else None


def of_articles(connection: sa.Connection, ids: list[str]) -> dict[str, Story]:
    """{id: its story} of those of ids in a story."""
    found: dict[str, Story] = {}
    query = sa.select(_MEMBERS.article_id.label("member_id"), *_STORY_COLUMNS).join(
        schema.stories, _STORIES.id == _MEMBERS.story_id
    )
    for chunk in chunks(list(ids)):
        for row in connection.execute(query.where(among(connection, _MEMBERS.article_id, chunk))):
            fields = dict(row._mapping)
            member = fields.pop("member_id")
            found[member] = Story(**fields)
    return found


def members(connection: sa.Connection, story_id: int, limit: int, offset: int = 0) -> list[Article]:
    """A page of a story's members (bodies left empty), earliest published first (then by id), reposts included."""
    rows = connection.execute(_MEMBERS_PAGE, {"story_id": story_id, "limit": limit, "offset": offset})
    return [to_article(row) for row in rows]


def member_ids(connection: sa.Connection, story_id: int) -> list[str]:
    """Ids of a story's members, earliest published first (then by id)."""
    return list(connection.execute(_MEMBER_IDS, {"story_id": story_id}).scalars())


def story_ids(connection: sa.Connection, ids: list[str]) -> dict[str, int]:
    """{id: story id} of those of ids in a story (related lists, export)."""
    return story_of_members(connection, ids)


def all_story_ids(connection: sa.Connection) -> dict[str, int]:
    """{article id: story id} of every article in a story (export, evaluation)."""
    return dict(connection.execute(sa.select(_MEMBERS.article_id, _MEMBERS.story_id)).all())


def mates(connection: sa.Connection, article_id: str, story_id: int, limit: int) -> list[tuple[str, float]]:
    """[(id, link score)] of the members of story_id article_id is linked with, best first."""
    query = (
        sa.select(_LINKS.other_id, _LINKS.score)
        .join(schema.story_members, _MEMBERS.article_id == _LINKS.other_id)
        .where(_LINKS.article_id == article_id, _MEMBERS.story_id == story_id)
        .order_by(_LINKS.score.desc(), _LINKS.other_id)
        .limit(limit)
    )
    return [tuple(row) for row in connection.execute(query)]


def sources_of(connection: sa.Connection, story_id: int) -> list[str]:
    """The distinct sources of a story's members, the first to report first (a story page's list)."""
    first = sa.func.min(_MEMBERS.listed_at)
    query = (
        sa.select(_A.source, first.label("first"))
        .select_from(schema.story_members)
        .join(schema.articles, _A.id == _MEMBERS.article_id)
        .where(_MEMBERS.story_id == story_id, _A.source.is_not(None), _A.source != "")
        .group_by(_A.source)
        .order_by(first, _A.source)
    )
    return list(connection.execute(query).scalars())


# the stories index: the stories of a window (their latest development at or after since), read from
# ix_stories_updated_at; "sources" puts the most widely covered first
_ORDERS = {
    "latest": (_STORIES.updated_at.desc(), _STORIES.id.desc()),
    "sources": (_STORIES.sources.desc(), _STORIES.size.desc(), _STORIES.updated_at.desc(), _STORIES.id.desc()),
}


def recent(connection: sa.Connection, since: datetime, order: str, limit: int, offset: int = 0) -> list[Story]:
    """A page of the stories developed at or after since, latest development first ("latest") or most sources
    first ("sources")."""
    query = sa.select(*_STORY_COLUMNS).where(_STORIES.updated_at >= since).order_by(*_ORDERS[order])
    return [_story(row) for row in connection.execute(query.limit(limit).offset(offset))]


def count_recent(connection: sa.Connection, since: datetime) -> int:
    """How many stories developed at or after since."""
    query = sa.select(sa.func.count()).select_from(schema.stories).where(_STORIES.updated_at >= since)
    return connection.execute(query).scalar_one()
