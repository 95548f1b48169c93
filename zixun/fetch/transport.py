"""The connection layer under httpx: a name is resolved once, every address is checked, and the socket
connects to the checked address itself (TLS still names the host for SNI and certificate checks), so a
name that resolves differently a moment later (DNS rebinding) cannot reach anything but what was checked.

Every read also draws on the fetch's Budget: a total deadline and a minimum transfer rate, which a
server trickling its headers or body one byte at a time cannot get around.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

import httpcore
import httpx

from zixun.fetch.addresses import AddressPolicy, IPAddress, literal_address

# host name → its addresses; tests hand in a stub (the outside network is the one thing they fake)
Resolver = Callable[[str], list[IPAddress]]


class FetchRefused(Exception):
    """A connection the fetcher will not make (a refused address, scheme or name); no packet was sent."""


class BudgetExceeded(Exception):
    """A fetch took longer than its total time, or its transfer rate fell below the minimum."""


def system_resolver(host: str) -> list[IPAddress]:
    """The addresses the system resolver gives for host (no connection is made)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise httpx.ConnectError(f"cannot resolve {host}: {error.strerror}") from None
    found: list[IPAddress] = []
    for info in infos:
        address = literal_address(str(info[4][0]))
        if address is not None and address not in found:
            found.append(address)
    return found


@dataclass
class Budget:
    """One fetch's limits on time: a total deadline and, after a grace period, a minimum average rate."""

    total: float
    min_rate: float
    grace: float
    started: float = field(default_factory=time.monotonic)
    received: int = 0

    def timeout(self, wanted: float | None) -> float:
        """The read timeout to use now: wanted, cut to what is left of the total; raises when none is left."""
        left = self.total - (time.monotonic() - self.started)
        if left <= 0:
            raise BudgetExceeded(f"took longer than the total limit of {self.total:g} s")
        return left if wanted is None else min(wanted, left)

    def count(self, size: int) -> None:
        """size more bytes arrived; raises when the average rate since the start is below the minimum."""
        self.received += size
        elapsed = time.monotonic() - self.started
        if elapsed > self.grace and self.received / elapsed < self.min_rate:
            raise BudgetExceeded(
                f"transfer too slow: {self.received:,} bytes in {elapsed:.1f} s, under {self.min_rate:g} bytes/s"
            )


current_budget: ContextVar[Budget | None] = ContextVar("zixun_fetch_budget", default=None)


class GuardedStream(httpcore.NetworkStream):
    """A network stream whose reads draw on the current fetch's Budget."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        budget = current_budget.get()
        if budget is None:
            return self._stream.read(max_bytes, timeout)
        data = self._stream.read(max_bytes, budget.timeout(timeout))
        budget.count(len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        budget = current_budget.get()
        self._stream.write(buffer, budget.timeout(timeout) if budget else timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> GuardedStream:
        return GuardedStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves each host once, refuses it when any of its addresses is refused, connects to a checked one."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver):
        self.policy, self.resolver = policy, resolver
        self._plain = httpcore.SyncBackend()

    def addresses(self, host: str) -> list[IPAddress]:
        """host's checked addresses; FetchRefused when it has none or any one of them is refused."""
        literal = literal_address(host)
        found = [literal] if literal is not None else self.resolver(host)
        if not found:
            raise FetchRefused(f"{host} resolves to no address")
        for address in found:
            reason = self.policy.refusal(address)
            if reason:
                shown = f"{host} resolves to {reason}" if literal is None else reason
                raise FetchRefused(shown)
        return found

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None) -> GuardedStream:
        error: Exception | None = None
        for address in self.addresses(host):
            try:  # a numeric host: the system resolver is not asked again, so this is the address checked
                stream = self._plain.connect_tcp(str(address), port, timeout, local_address, socket_options)
                return GuardedStream(stream)
            except httpcore.ConnectError as failed:
                error = failed
        raise error or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise FetchRefused("Unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose every connection goes through GuardedBackend."""

    def __init__(
        self, policy: AddressPolicy, resolver: Resolver, connections: int = 20, context: ssl.SSLContext | None = None
    ):
        # httpx.HTTPTransport's own __init__ builds a pool on the plain backend; this one replaces it
        self._pool = httpcore.ConnectionPool(
            ssl_context=context or ssl.create_default_context(),
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=30.0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=GuardedBackend(policy, resolver),
        )
