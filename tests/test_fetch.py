"""The hardened fetcher against a loopback server and a stub resolver (the outside network, faked).

Every refused target is refused before a connection is made: the listener that stands in for the private
target (it is on 127.0.0.1, itself a refused address) counts 0 connections. Sources that are allowed sit on
127.0.0.2, let through by the allowlist as an operator's ZIXUN_FETCH_ALLOWED_NETWORKS would.
"""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from feed_server import FeedServer, Reply, StubResolver, endless_chunks, trickle

from zixun.fetch.addresses import AddressPolicy, literal_address
from zixun.fetch.fetcher import USER_AGENT, Fetcher, FetchError, FetchLimits

PUBLIC = "127.0.0.2"  # the "public" origin of these tests (allowed by the allowlist below)
ALLOWED = ("127.0.0.2/32",)
LIMITS = FetchLimits(max_bytes=2_000_000, total_timeout=10.0, min_rate=512, rate_grace=1.0)

# every class of refused address, in every spelling a URL can carry; {port} is the target listener's
LITERALS = [
    # loopback
    "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "017700000001",
    "0x7f.1", "127.000.000.001", "127.255.255.254", "127.0.0.1.", "[::1]", "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]", "[::127.0.0.1]", "[2002:7f00:1::]",
    "[64:ff9b::127.0.0.1]", "[64:ff9b:1::7f00:1]",
    # unspecified
    "0.0.0.0", "0", "[::]",
    # private
    "10.0.0.1", "10.255.255.255", "0xa.1", "012.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.0.1",
    "3232235777", "[::ffff:10.0.0.1]", "[::ffff:192.168.1.1]", "[2002:c0a8:101::]", "[2002:a00:1::]",
    "[64:ff9b::a00:1]", "[64:ff9b::192.168.1.1]", "[fc00::1]", "[fd12:3456::1]",
    # link-local (cloud metadata)
    "169.254.169.254", "169.254.0.1", "2852039166", "0xa9.0xfe.0xa9.0xfe", "[fe80::1]", "[::ffff:169.254.169.254]",
    "[64:ff9b::a9fe:a9fe]",
    # CGNAT
    "100.64.0.1", "100.127.255.254", "[::ffff:100.64.0.1]", "[2002:6440:1::]",
    # multicast
    "224.0.0.1", "239.255.255.250", "[ff02::1]", "[ff05::1:3]",
    # reserved, benchmarking, broadcast, IETF
    "240.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.0.1", "[100::1]", "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
    # documentation
    "192.0.2.1", "198.51.100.1", "203.0.113.1", "[2001:db8::1]", "[3fff::1]",
]  # fmt: skip
NAMES = {
    "localhost": "127.0.0.1",
    "loop.test": "127.0.0.1",
    "v6loop.test": "::1",
    "mapped.test": "::ffff:127.0.0.1",
    "nat64.test": "64:ff9b::7f00:1",
    "sixtofour.test": "2002:7f00:1::",
    "intranet.test": "10.0.0.5",
    "home.test": "192.168.1.1",
    "meta.test": "169.254.169.254",
    "cgnat.test": "100.64.1.1",
    "doc.test": "192.0.2.10",
    "multicast.test": "224.0.0.251",
    "zero.test": "0.0.0.0",
    "mixed.test": [PUBLIC, "127.0.0.1"],  # one refused answer refuses the name
    "ula.test": "fd00::1",
}


@pytest.fixture
def target():
    """The listener standing in for the private target: it must never see a connection."""
    with FeedServer("127.0.0.1") as server:
        server.routes["/"] = Reply(b"secret")
        yield server


@pytest.fixture
def public():
    with FeedServer(PUBLIC) as server:
        server.routes["/ok"] = Reply(b"hello", headers={"Content-Type": "text/plain"})
        yield server


def _fetcher(**names) -> tuple[Fetcher, StubResolver]:
    resolver = StubResolver({**NAMES, "public.test": PUBLIC, **names})
    return Fetcher(LIMITS, ALLOWED, resolver), resolver


def _refused(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.get(url)
    assert caught.value.refused, caught.value
    return caught.value


def test_every_spelling_of_every_refused_class_is_refused_before_connecting(target):
    fetcher, _ = _fetcher()
    refused = []
    for host in LITERALS:
        error = _refused(fetcher, f"http://{host}:{target.port}/")
        assert "not public" in error.reason, error
        refused.append(host)
    assert len(refused) == len(LITERALS) >= 60
    assert target.connections == 0 and target.total_hits == 0


def test_names_that_resolve_to_refused_addresses_are_refused(target):
    fetcher, resolver = _fetcher()
    for name in NAMES:
        error = _refused(fetcher, f"http://{name}:{target.port}/")
        assert f"{name} resolves to address" in error.reason, error
    assert target.connections == 0
    assert all(resolver.lookups[name] == 1 for name in NAMES)  # resolved once, checked, never connected


def test_redirects_into_refused_targets_are_refused_at_the_hop(target, public):
    fetcher, _ = _fetcher()
    hops = [
        f"http://127.0.0.1:{target.port}/",
        f"http://loop.test:{target.port}/",
        f"http://2130706433:{target.port}/",
        f"http://[::ffff:127.0.0.1]:{target.port}/",
        f"http://meta.test:{target.port}/latest/meta-data/",
        f"http://intranet.test:{target.port}/",
        "file:///etc/passwd",
        f"gopher://127.0.0.1:{target.port}/",
        f"ftp://public.test:{public.port}/",
    ]
    for number, hop in enumerate(hops):
        public.routes[f"/r{number}"] = Reply(status=302, headers={"Location": hop})
        # a chain: two allowed hops first, then the refused one
        public.routes[f"/c{number}"] = Reply(status=301, headers={"Location": f"/d{number}"})
        public.routes[f"/d{number}"] = Reply(status=307, headers={"Location": hop})
        for start in (f"/r{number}", f"/c{number}"):
            error = _refused(fetcher, public.url(start, "public.test"))
            assert "redirected to" in error.reason, error
    assert target.connections == 0


def test_more_than_five_redirects_fail(public):
    fetcher, _ = _fetcher()
    for hop in range(7):
        public.routes[f"/loop{hop}"] = Reply(status=302, headers={"Location": f"/loop{hop + 1}"})
    public.routes["/loop7"] = Reply(b"too far")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.get(public.url("/loop0"))
    public.routes["/loop2"] = Reply(b"within reach")
    assert fetcher.get(public.url("/loop0")).body == b"within reach"  # 2 redirects


def test_a_rebinding_name_cannot_reach_the_private_target(target, public):
    # rebind.test answers the public address first and the private target afterwards, as a rebinding
    # DNS server does between a check and a connect; the fetcher resolves once and connects to what it checked
    fetcher, resolver = _fetcher(**{"rebind.test": [[PUBLIC], ["127.0.0.1"]]})
    fetched = fetcher.get(f"http://rebind.test:{public.port}/ok")
    assert fetched.body == b"hello" and resolver.lookups["rebind.test"] == 1
    # the next connection (a new pool, as another crawler process would have) sees the rebound answer: refused
    other = Fetcher(LIMITS, ALLOWED, resolver)
    error = _refused(other, f"http://rebind.test:{public.port}/ok")
    assert "127.0.0.1" in error.reason
    assert target.connections == 0


def test_the_allowlist_lets_a_loopback_source_through(target):
    fetcher = Fetcher(LIMITS, ("127.0.0.0/8",), StubResolver())
    assert fetcher.get(f"http://127.0.0.1:{target.port}/").body == b"secret"
    assert target.total_hits == 1
    assert AddressPolicy(("10.0.0.0/8",)).refusal(literal_address("10.1.2.3")) is None
    assert AddressPolicy(("10.0.0.0/8",)).refusal(literal_address("192.168.0.1")) is not None


def test_requests_name_zixun_and_ask_for_bounded_encodings(public):
    fetcher, _ = _fetcher()
    fetcher.get(public.url("/ok"))
    (_, headers), *_ = public.requests
    assert headers["User-Agent"] == USER_AGENT and "zixun" in USER_AGENT
    assert set(headers["Accept-Encoding"].split(", ")) == {"gzip", "deflate", "br"}


def test_conditional_get_gives_304_with_an_empty_body(public):
    public.routes["/feed"] = Reply(b"<rss/>", etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    fetcher, _ = _fetcher()
    first = fetcher.get(public.url("/feed"))
    assert first.status == 200 and first.etag == '"v1"'
    again = fetcher.get(public.url("/feed"), etag=first.etag)
    assert again.status == 304 and again.body == b""
    by_date = fetcher.get(public.url("/feed"), last_modified=first.last_modified)
    assert by_date.status == 304


BIG = 50_000_000


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-15)  # "deflate" as many servers send it: no zlib header
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    "name, body, headers",
    [
        ("gzip", gzip.compress(b"\0" * BIG), {"Content-Encoding": "gzip"}),
        ("deflate", zlib.compress(b"\0" * BIG), {"Content-Encoding": "deflate"}),
        ("raw deflate", _raw_deflate(b"\0" * BIG), {"Content-Encoding": "deflate"}),
        ("brotli", brotli.compress(b"\0" * BIG, quality=1), {"Content-Encoding": "br"}),
    ],
)
def test_compression_bombs_stop_at_the_limit(public, name, body, headers):
    public.routes["/bomb"] = Reply(body, headers=headers)
    fetcher, _ = _fetcher()
    with pytest.raises(FetchError, match="larger than 2,000,000 bytes once decoded"):
        fetcher.get(public.url("/bomb"))


def test_bodies_over_the_limit_fail_whether_announced_or_not(public):
    public.routes["/big"] = Reply(b"x" * BIG)
    fetcher, _ = _fetcher()
    with pytest.raises(FetchError, match="50,000,000 bytes is over the 2,000,000-byte limit"):
        fetcher.get(public.url("/big"))
    public.routes["/endless"] = endless_chunks()
    with pytest.raises(FetchError, match="larger than 2,000,000 bytes"):
        fetcher.get(public.url("/endless"))


def test_a_trickling_server_fails_on_the_minimum_rate(public):
    public.routes["/slow"] = trickle()
    fetcher, _ = _fetcher()
    with pytest.raises(FetchError, match="transfer too slow"):
        fetcher.get(public.url("/slow"))


def test_unknown_encodings_and_corrupt_data_fail_clearly(public):
    public.routes["/zstd"] = Reply(b"abc", headers={"Content-Encoding": "zstd"})
    public.routes["/corrupt"] = Reply(b"not gzip at all", headers={"Content-Encoding": "gzip"})
    fetcher, _ = _fetcher()
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'zstd'"):
        fetcher.get(public.url("/zstd"))
    with pytest.raises(FetchError, match="corrupt gzip data"):
        fetcher.get(public.url("/corrupt"))


def test_http_errors_name_the_status_and_say_whether_to_retry(public):
    public.routes["/gone"] = Reply(b"", status=410)
    public.routes["/busy"] = Reply(b"", status=503)
    fetcher, _ = _fetcher()
    with pytest.raises(FetchError, match="HTTP 410") as gone:
        fetcher.get(public.url("/gone"))
    with pytest.raises(FetchError, match="HTTP 503") as busy:
        fetcher.get(public.url("/busy"))
    assert not gone.value.transient and busy.value.transient


def test_a_mistyped_allowed_network_fails_at_start_up():
    from pydantic import ValidationError

    from zixun.settings import Settings

    with pytest.raises(ValidationError, match=r"10\.0\.0\.0/33"):
        Settings(fetch_allowed_networks=("10.0.0.0/33",))
    assert Settings(fetch_allowed_networks=("10.1.0.0/16", "fd00::/8")).fetch_allowed_networks[1] == "fd00::/8"


def test_https_connects_to_the_checked_address_and_names_the_host_for_sni_and_the_certificate():
    import ssl

    import trustme

    authority = trustme.CA()  # a throwaway CA: the outside network's PKI, faked like its DNS
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("secure.test").configure_cert(server_context)
    names: list[str | None] = []
    server_context.sni_callback = lambda _socket, name, _context: names.append(name)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    resolver = StubResolver({"secure.test": PUBLIC, "other.test": PUBLIC})
    with FeedServer(PUBLIC, tls=server_context) as secure:
        secure.routes["/ok"] = Reply(b"over tls")
        fetcher = Fetcher(LIMITS, ALLOWED, resolver, tls=client_context)
        fetched = fetcher.get(secure.url("/ok", "secure.test"))
        assert fetched.body == b"over tls" and names == ["secure.test"]
        assert secure.requests[0][1]["Host"] == f"secure.test:{secure.port}"
        # the same address under a name the certificate does not cover fails verification
        with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
            fetcher.get(secure.url("/ok", "other.test"))
