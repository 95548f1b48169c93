"""A response body, decoded in bounded steps: a compressed bomb stops at the limit, never expands whole.

httpx decodes each received chunk at once (a 10 kB gzip chunk can become 10 MB), so the fetcher asks
for raw bytes and decodes them here, never producing more than the limit plus one byte.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import brotli


class BodyTooLarge(Exception):
    """The decoded body is larger than the fetch limit."""


class BadEncoding(Exception):
    """The body's Content-Encoding is unknown or its data is corrupt."""


class _Identity:
    def feed(self, data: bytes, room: int) -> bytes:
        return data[: room + 1]


class _Zlib:
    def __init__(self, wbits: int):
        self.wbits = wbits
        self.decoder = zlib.decompressobj(wbits)
        self.started = False

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            out = self.decoder.decompress(data, room + 1)
        except zlib.error:
            if self.started or self.wbits != zlib.MAX_WBITS:
                raise
            # "deflate" is sent both as zlib (RFC 1950, right) and as raw deflate (common): try the latter
            self.wbits, self.decoder = -zlib.MAX_WBITS, zlib.decompressobj(-zlib.MAX_WBITS)
            out = self.decoder.decompress(data, room + 1)
        self.started = True
        return out


class _Brotli:
    def __init__(self):
        self.decoder = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        return self.decoder.process(data, output_buffer_limit=room + 1)


DECODERS = {
    "identity": _Identity,
    "gzip": lambda: _Zlib(16 + zlib.MAX_WBITS),
    "x-gzip": lambda: _Zlib(16 + zlib.MAX_WBITS),
    "deflate": lambda: _Zlib(zlib.MAX_WBITS),
    "br": _Brotli,
}
ACCEPT_ENCODING = "gzip, deflate, br"


def decode_body(chunks: Iterable[bytes], encoding: str, limit: int) -> bytes:
    """The decoded bytes of chunks; BodyTooLarge past limit bytes, BadEncoding for an unknown or corrupt one."""
    names = [name.strip().lower() for name in encoding.split(",") if name.strip()] or ["identity"]
    if len(names) > 1 or names[0] not in DECODERS:
        raise BadEncoding(f"unsupported Content-Encoding {encoding!r}")
    decoder = DECODERS[names[0]]()
    out = bytearray()
    try:
        for chunk in chunks:
            piece = decoder.feed(chunk, limit - len(out))
            out += piece
            if len(out) > limit:
                raise BodyTooLarge(f"body larger than {limit:,} bytes once decoded (ZIXUN_FETCH_MAX_BYTES)")
    except (zlib.error, brotli.error) as error:
        raise BadEncoding(f"corrupt {names[0]} data ({error})") from None
    return bytes(out)
