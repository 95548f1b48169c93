"""Query parameters shared by pages and the API, validated so bad input is a 422 naming the parameter."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Path, Query, Request

from zixun.contexts import Paging, SearchQuery

# PostgreSQL refuses NUL in text, so it is refused here, as a bad parameter, before any query runs
NO_NUL = r"^[^\x00]*$"
MAX_PAGE, MAX_PAGE_SIZE = 1000, 100

Name = Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="Exact name to filter by.")]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
StoryId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Story id.")]
Window = Annotated[Literal["24h", "7d"], Query(description="Time window of the hot list.")]
# the windows of the stories and entities indexes (rank/trending.WINDOWS)
NewsWindow = Annotated[Literal["24h", "7d", "30d"], Query(description="Time window ending now.")]
EntitySort = Annotated[
    Literal["most", "rising"],
    Query(
        description="most: the most named first; rising: named more than in the window before, largest growth first."
    ),
]
StorySort = Annotated[
    Literal["latest", "sources"], Query(description="latest: latest development first; sources: most sources first.")
]
Sort = Annotated[Literal["relevance", "newest"], Query(description="Order of the results.")]
Day = Annotated[date | None, Query(description="A day, YYYY-MM-DD, in the portal's time zone (inclusive).")]
# a form's date field: empty when left blank, so it cannot be typed as a date
FormDay = Annotated[str, Query(max_length=10, description="A day, YYYY-MM-DD, or empty.")]


class BadParameter(ValueError):
    """A parameter that passed its type check but makes no sense (answered with 422)."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"query parameter '{name}': {reason}")


def paging(request: Request, page: int, size: int) -> Paging:
    """The Paging of this request: its path and query, with another page number in the links."""
    query = {k: v for k, v in request.query_params.items() if k != "page"}
    return Paging(page=page, size=size, path=request.url.path, query=query)


def search_query(
    q: str, category: str | None, source: str | None, since: date | None, until: date | None, sort: str
) -> SearchQuery:
    """A SearchQuery, refusing a date range that ends before it starts."""
    if since and until and since > until:
        raise BadParameter("until", f"{until.isoformat()} is before since={since.isoformat()}")
    return SearchQuery(q=q, category=category or None, source=source or None, since=since, until=until, sort=sort)


def form_day(name: str, text: str) -> date | None:
    """A form's YYYY-MM-DD field as a date (None when blank); BadParameter when it is not a date."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadParameter(name, f"{text!r} is not a date in the form YYYY-MM-DD") from None
