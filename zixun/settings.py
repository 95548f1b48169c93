"""The one Settings object, read from ZIXUN_* environment variables; nothing else reads os.environ."""

from __future__ import annotations

import re
from ipaddress import ip_network
from pathlib import Path

from pydantic import Field, field_validator
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
    max_file_bytes: int = Field(20_000_000, description="Inputs larger than this many bytes are refused with an error.")
    ingest_batch: int = Field(500, description="Articles written per transaction during ingest.")
    ingest_workers: int = Field(0, description="Processes that segment text during ingest; 0 means one per CPU core.")
    keywords_per_article: int = Field(8, description="How many TF-IDF keywords each article keeps.")
    summary_chars: int = Field(120, description="Length budget of an article summary, in characters.")
    max_article_chars: int = Field(
        200_000, description="Articles whose title and body hold more characters than this are refused."
    )
    max_line_bytes: int = Field(
        2_000_000, description="JSON lines longer than this many bytes are refused as bad records."
    )
    # web portal (zixun serve / zixun demo)
    demo_note: bool = Field(
        False, description="Say in the page footer that publish times and counters are synthesized demo data."
    )
    display_timezone: str = Field("Asia/Shanghai", description="IANA time zone the portal shows times in.")
    page_size: int = Field(20, description="Articles per page in the portal's lists and search results.")
    hot_cache_seconds: float = Field(
        30.0,
        description="How long the portal keeps a hot list, the category lists and assembled article pages in memory "
        "(an expired one is still served, for as long again, while it is rebuilt in the background).",
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
    trusted_proxies: tuple[str, ...] = Field(
        (),
        description='Addresses or networks (JSON list, e.g. ["127.0.0.1", "10.0.0.0/8"]) of the reverse '
        "proxies in front of the portal: only from these is X-Forwarded-For believed about who the client is.",
    )
    site_url: str | None = Field(
        None,
        description="The portal's public origin (https://news.example.com): form and API posts must come "
        "from it; unset, from the host they were sent to.",
    )
    max_header_bytes: int = Field(
        16_384, description="Requests whose header names and values total more bytes than this are refused (431)."
    )
    feed_items: int = Field(
        30, ge=1, le=500, description="Articles in each RSS and Atom feed the portal serves (newest first)."
    )

    # fetching and crawling (zixun crawl, zixun serve --crawl): zixun/fetch and zixun/crawl
    fetch_allowed_networks: tuple[str, ...] = Field(
        (),
        description='Networks (JSON list of CIDRs, e.g. ["10.1.0.0/16"]) that feeds and pages may be fetched from '
        "although they are not public; by default loopback, private, link-local and other special addresses are refused.",
    )
    fetch_max_bytes: int = Field(
        10_000_000, description="A fetched feed or page larger than this once decoded is refused."
    )
    fetch_connect_timeout: float = Field(10.0, description="Seconds a fetch waits to connect.")
    fetch_read_timeout: float = Field(30.0, description="Seconds a fetch waits for each read from the server.")
    fetch_total_timeout: float = Field(60.0, description="Seconds one fetch may take in all, redirects included.")
    fetch_min_rate: float = Field(
        512.0, description="Bytes per second a fetch must average once fetch_rate_grace has passed (slow servers fail)."
    )
    fetch_rate_grace: float = Field(3.0, description="Seconds a fetch runs before its minimum rate is enforced.")
    crawl_concurrency: int = Field(8, description="Fetches a crawler runs at once, over all hosts.")
    crawl_per_host: int = Field(2, description="Fetches a crawler runs at once against one host.")
    crawl_host_delay: float = Field(1.0, description="Seconds between the starts of two fetches from one host.")
    crawl_min_interval: int = Field(900, description="Seconds between two polls of a feed, at least (busy feeds).")
    crawl_max_interval: int = Field(86_400, description="Seconds between two polls of a feed, at most (quiet feeds).")
    crawl_retries: int = Field(
        2, description="Retries of a failed fetch (timeouts, 5xx, 429), with exponential backoff."
    )
    crawl_lease_seconds: int = Field(
        600, description="How long a crawler holds the feeds it claimed before another crawler may take them over."
    )

    @field_validator("trusted_proxies", "fetch_allowed_networks")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for network in value:
            ip_network(network, strict=False)  # a typo fails at start-up, not as a silently untrusted proxy
        return value

    @field_validator("site_url")
    @classmethod
    def _origin(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^/?#\s]+/?", value):
            raise ValueError(f"{value!r} is not an origin such as https://news.example.com")
        return value.rstrip("/") if value else None

    def with_database(self, url: str | None) -> Settings:
        """A copy pointing at another database (the CLI's --db), or self when url is None."""
        return self if url is None else self.model_copy(update={"database_url": url})
