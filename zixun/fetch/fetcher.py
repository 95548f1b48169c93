"""The hardened fetcher: one GET of an untrusted URL, with every limit a hostile server could push on.

Only http and https; at most 5 redirects, each hop checked again (scheme, then address at connect time);
the body decoded in bounded steps; connect, read and total timeouts and a minimum transfer rate; proxies
from the environment ignored (a proxy would connect on our behalf, past the address check).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

import httpx

from zixun.fetch.addresses import AddressPolicy, literal_address
from zixun.fetch.body import ACCEPT_ENCODING, BadEncoding, BodyTooLarge, decode_body
from zixun.fetch.transport import (
    Budget,
    BudgetExceeded,
    FetchRefused,
    GuardedTransport,
    Resolver,
    current_budget,
    system_resolver,
)

MAX_REDIRECTS = 5
USER_AGENT = "zixun/0.1 (Chinese news portal engine; feed crawler)"
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8"
_CHUNK = 65_536
TRANSIENT_STATUSES = {408, 429, 500, 502, 503, 504}
PERMANENT_REDIRECTS = {301, 308}


REFUSED_ADDRESS = "refused: not a public address"
REFUSED_URL = "refused: not an http(s) URL zixun fetches"
TIMED_OUT = "timed out"
TOO_LARGE = "too large"


class FetchError(Exception):
    """A fetch that failed; the message names the URL and the reason. status is the HTTP status, if any;
    transient says a retry may succeed (a timeout, a dropped connection, 429 or a 5xx). public is the
    reason coarsely ("refused: not a public address", "timed out", "HTTP 404"...), safe to show anyone: never
    an address a name resolved to. retry_after is the Retry-After header of a 429 or 503, as sent."""

    def __init__(
        self,
        url: str,
        reason: str,
        status: int | None = None,
        refused: bool = False,
        transient: bool = False,
        public: str | None = None,
        retry_after: str | None = None,
    ):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status, self.refused = url, reason, status, refused
        self.transient = transient or status in TRANSIENT_STATUSES
        self.public = public or _public(status, refused)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fetched:
    """A response: the final URL, its status (200, or 304 for a conditional GET that matched), headers and body.
    moved_to is the final URL when the URL asked for redirected to it permanently (301/308) at every hop."""

    url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    retry_after: str | None = None
    moved_to: str | None = None


@dataclass(frozen=True)
class FetchLimits:
    """What one fetch may cost: decoded bytes, connect/read/total seconds, and a minimum rate after a grace."""

    max_bytes: int = 10_000_000
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 60.0
    min_rate: float = 512.0
    rate_grace: float = 3.0

    @classmethod
    def of(cls, settings) -> FetchLimits:
        """The limits the Settings object sets."""
        return cls(
            settings.fetch_max_bytes,
            settings.fetch_connect_timeout,
            settings.fetch_read_timeout,
            settings.fetch_total_timeout,
            settings.fetch_min_rate,
            settings.fetch_rate_grace,
        )


class Fetcher:
    """Every outbound request of zixun; thread-safe (one connection pool shared by the crawler's threads)."""

    def __init__(
        self,
        limits: FetchLimits | None = None,
        allowed_networks: tuple[str, ...] = (),
        resolver: Resolver | None = None,
        connections: int = 20,
        tls: ssl.SSLContext | None = None,
    ):
        """tls: the certificate authorities to trust (default: the system's); tests hand in their own CA."""
        self.limits = limits or FetchLimits()
        self.policy = AddressPolicy(allowed_networks)
        transport = GuardedTransport(self.policy, resolver or system_resolver, connections, tls)
        timeout = httpx.Timeout(self.limits.read_timeout, connect=self.limits.connect_timeout)
        self.client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
        )

    @classmethod
    def of(cls, settings, resolver: Resolver | None = None) -> Fetcher:
        """A fetcher with the limits and allowed networks the Settings object sets."""
        return cls(FetchLimits.of(settings), settings.fetch_allowed_networks, resolver, settings.crawl_concurrency * 2)

    def close(self) -> None:
        """Close the pooled connections."""
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def get(
        self, url: str, etag: str | None = None, last_modified: str | None = None, accept: str = FEED_ACCEPT
    ) -> Fetched:
        """GET url (conditionally, given etag or last_modified); FetchError names the URL and the reason."""
        limits = self.limits
        token = current_budget.set(Budget(limits.total_timeout, limits.min_rate, limits.rate_grace))
        try:
            return self._follow(url, _conditional(etag, last_modified) | {"Accept": accept})
        except FetchError:
            raise
        except FetchRefused as refused:
            raise FetchError(url, f"refused: {refused}", refused=True) from None
        except BudgetExceeded as slow:
            raise FetchError(url, str(slow), public=TIMED_OUT) from None
        except httpx.TimeoutException as error:
            raise FetchError(
                url, f"timed out ({type(error).__name__}: {error or 'no answer'})", transient=True, public=TIMED_OUT
            ) from None
        except httpx.HTTPError as error:
            transient = isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError)
            raise FetchError(
                url, f"{type(error).__name__}: {error}", transient=transient, public="connection failed"
            ) from None
        finally:
            current_budget.reset(token)

    def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        first, permanent = url, True
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                _check_url(url, self.policy)
            except FetchError as error:
                raise _redirected(error, first) from None
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    location = response.headers.get("location")
                    if response.is_redirect and location:
                        url = urljoin(url, location)
                        permanent = permanent and response.status_code in PERMANENT_REDIRECTS
                        continue
                    fetched = self._read(url, response)
                    return replace(fetched, moved_to=url) if permanent and url != first else fetched
            except FetchRefused as refused:
                raise _redirected(FetchError(url, f"refused: {refused}", refused=True), first) from None
            except httpx.InvalidURL as error:
                refusal = FetchError(url, f"refused: not a valid URL ({error})", refused=True, public=REFUSED_URL)
                raise _redirected(refusal, first) from None
        raise FetchError(first, f"more than {MAX_REDIRECTS} redirects", public="too many redirects")

    def _read(self, url: str, response: httpx.Response) -> Fetched:
        headers = response.headers
        if response.status_code != 304 and not 200 <= response.status_code < 300:
            retry_after = headers.get("retry-after") if response.status_code in (429, 503) else None
            raise FetchError(url, f"HTTP {response.status_code}", response.status_code, retry_after=retry_after)
        length = headers.get("content-length", "")
        if length.isdigit() and "content-encoding" not in headers and int(length) > self.limits.max_bytes:
            raise FetchError(
                url,
                f"body of {int(length):,} bytes is over the {self.limits.max_bytes:,}-byte limit",
                200,
                public=TOO_LARGE,
            )
        try:
            body = decode_body(response.iter_raw(_CHUNK), headers.get("content-encoding", ""), self.limits.max_bytes)
        except BodyTooLarge as error:
            raise FetchError(url, str(error), response.status_code, public=TOO_LARGE) from None
        except BadEncoding as error:
            raise FetchError(url, str(error), response.status_code, public="malformed response") from None
        return Fetched(
            url=url,
            status=response.status_code,
            body=body,
            content_type=headers.get("content-type", ""),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            retry_after=headers.get("retry-after"),
        )


def _redirected(error: FetchError, first: str) -> FetchError:
    """error as seen from the URL first asked for (naming the hop it happened on)."""
    if error.url == first:
        return error
    return FetchError(
        first,
        f"redirected to {error.url}: {error.reason}",
        error.status,
        error.refused,
        error.transient,
        error.public,
        error.retry_after,
    )


def _public(status: int | None, refused: bool) -> str:
    if refused:
        return REFUSED_ADDRESS
    if status is not None and not 200 <= status < 300:
        return f"HTTP {status}"
    return "fetch failed"


def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _check_url(url: str, policy: AddressPolicy) -> None:
    """FetchError unless url is an absolute http(s) URL with a host that is not a refused address in any
    spelling (checked on every hop; names are checked on the addresses they resolve to, at connect time)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        raise FetchError(url, f"not a valid URL ({error})", refused=True, public=REFUSED_URL) from None
    if parts.scheme.lower() not in ("http", "https"):
        scheme = parts.scheme or "(none)"
        raise FetchError(url, f"refused: scheme {scheme!r} is not http or https", refused=True, public=REFUSED_URL)
    if not host:
        raise FetchError(url, "refused: no host in the URL", refused=True, public=REFUSED_URL)
    if parts.username or parts.password:
        raise FetchError(url, "refused: credentials in the URL", refused=True, public=REFUSED_URL)
    literal = literal_address(host)
    reason = policy.refusal(literal) if literal is not None else None
    if reason:
        raise FetchError(url, f"refused: {reason}", refused=True)
