"""The one Settings object, read from ZIXUN_* environment variables; nothing else reads os.environ."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """zixun's configuration. Every field is documented in the README (a test checks it)."""

    model_config = SettingsConfigDict(env_prefix="ZIXUN_", frozen=True, extra="ignore")

    database_url: str = Field(
        "sqlite:///zixun.db",
        description="Where articles are stored: a SQLAlchemy URL, sqlite:///FILE or postgresql://USER@HOST/DB.",
    )
    user_dict: tuple[Path, ...] = Field(
        (), description="Extra jieba-format dictionaries (word [freq] [pos] per line), JSON list of paths."
    )
    max_file_bytes: int = Field(
        20_000_000, description="Inputs larger than this many bytes are refused with an error."
    )
    ingest_batch: int = Field(500, description="Articles written per transaction during ingest.")
    ingest_workers: int = Field(
        0, description="Processes that segment text during ingest; 0 means one per CPU core."
    )
    keywords_per_article: int = Field(8, description="How many TF-IDF keywords each article keeps.")
    summary_chars: int = Field(120, description="Length budget of an article summary, in characters.")
    # web portal (zixun serve / zixun demo)
    demo_note: bool = Field(
        False, description="Say in the page footer that publish times and counters are synthesized demo data."
    )
    display_timezone: str = Field("Asia/Shanghai", description="IANA time zone the portal shows times in.")
    page_size: int = Field(20, description="Articles per page in the portal's lists and search results.")
    hot_cache_seconds: float = Field(
        30.0, description="How long the portal keeps a hot list, the category lists and assembled article pages in memory "
        "(an expired one is still served, for as long again, while it is rebuilt in the background)."
    )
    page_cache_entries: int = Field(
        20_000, description="Article pages whose rendered parts each web worker keeps in memory (0: none)."
    )
    warm_pages: bool = Field(
        True, description="When a web worker starts, render the newest articles' page parts in the background."
    )
    old_article_days: int = Field(
        30, description="Article pages older than this many days say so (本文发布于 N 个月前)."
    )
    view_flush_seconds: float = Field(
        0.5, description="Page views are queued and written in one transaction at most this often."
    )

    def with_database(self, url: str | None) -> "Settings":
        """A copy pointing at another database (the CLI's --db), or self when url is None."""
        return self if url is None else self.model_copy(update={"database_url": url})
