"""Which addresses a fetch may connect to: public unicast only, unless an operator allows a network.

Refused by default: loopback, private, link-local, CGNAT (100.64/10), multicast, reserved, unspecified,
benchmarking and documentation ranges, in every spelling a URL can carry: decimal (2130706433), octal
(0177.0.0.1), hex (0x7f.1), short forms (127.1), IPv4-mapped and IPv4-compatible IPv6, and the 6to4,
NAT64 and Teredo forms of refused IPv4 addresses (ipaddress calls 2002:7f00:1:: and 64:ff9b::7f00:1 global).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

# named here as well as by ipaddress's flags, so the refusal does not depend on the Python version's tables
_REFUSED = tuple(
    ip_network(n)
    for n in (
        "0.0.0.0/8",  # this network, unspecified
        "10.0.0.0/8",
        "100.64.0.0/10",  # CGNAT
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ip_network("64:ff9b::/96")
_NAT64_LOCAL = ip_network("64:ff9b:1::/48")
_COMPATIBLE = ip_network("::/96")
# prefixes that only wrap an IPv4 address: such an address is judged by the IPv4 address it carries
_WRAPPERS = (ip_network("::ffff:0:0/96"), ip_network("2002::/16"), _NAT64)
_NUMERIC = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.IGNORECASE)


def literal_address(host: str) -> IPAddress | None:
    """The address a host names when it is an IP literal in any spelling (127.1, 0x7f.0.0.1, 2130706433,
    [::1]), as the C resolver reads it; None for a name."""
    host = host.strip().removeprefix("[").removesuffix("]")
    try:
        return ip_address(host.split("%", 1)[0])  # a zone index (fe80::1%eth0) names the same address
    except ValueError:
        pass
    if _NUMERIC.match(host):
        try:  # inet_aton reads the BSD forms: one to four parts, each decimal, octal (0...) or hex (0x...)
            return IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def embedded(address: IPAddress) -> list[IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: mapped, compatible, 6to4, NAT64 and Teredo forms."""
    if isinstance(address, IPv4Address):
        return []
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo:
        found += list(address.teredo)
    if address in _NAT64 or address in _NAT64_LOCAL or (address in _COMPATIBLE and int(address) > 1):
        found.append(IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _refused_alone(address: IPAddress) -> bool:
    if any(address in network for network in _REFUSED if network.version == address.version):
        return True
    return not address.is_global or address.is_multicast or address.is_reserved or address.is_unspecified


class AddressPolicy:
    """Refuses every non-public address unless it lies in one of the allowed networks."""

    def __init__(self, allowed: Iterable[str] = ()):
        self.allowed: tuple[IPNetwork, ...] = tuple(ip_network(n, strict=False) for n in allowed)

    def refusal(self, address: IPAddress) -> str | None:
        """Why a fetch may not connect to address, or None when it may."""
        forms = [address, *embedded(address)]
        if self.allowed and any(a in n for a in forms for n in self.allowed if n.version == a.version):
            return None
        wrapper = len(forms) > 1 and any(address in prefix for prefix in _WRAPPERS)
        for form in forms[1:] if wrapper else forms:
            if _refused_alone(form):
                shown = f"{address} (carrying {form})" if form is not address else str(address)
                return f"address {shown} is not public ({_kind(form)}); set ZIXUN_FETCH_ALLOWED_NETWORKS to allow it"
        return None


def _kind(address: IPAddress) -> str:
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("shared CGNAT", isinstance(address, IPv4Address) and address in ip_network("100.64.0.0/10")),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    return next((name for name, hit in checks if hit), "reserved or special-purpose")
