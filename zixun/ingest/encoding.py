"""Bytes to text for every input file: UTF-8, GBK/GB18030 and Big5 pages, with honest or lying charsets.

Order of trust: a BOM, then bytes that are valid UTF-8 (Chinese GBK text almost never is), then the
charset the file declares, then GB18030 and Big5 tried strictly. Then, as a browser does, the encoding
that fits all but a few bytes (at most 1 in 1,000, and never more than 200) decodes the page with U+FFFD
for the bytes that do not fit, and says how many; only then a statistical guess, and bytes no encoding
fits are refused.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from zixun.models import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# <meta charset="gbk">, <meta http-equiv=... content="text/html; charset=gb2312">, <?xml encoding="GBK"?>
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{2,40})""", re.IGNORECASE)

# gb2312 and gbk pages routinely use characters only gb18030 (their superset) can decode.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "big5-hkscs": "big5hkscs",
    "x-euc-tw": "big5",
}

# The most frequent Chinese characters, simplified and traditional. GB18030 decodes almost any byte
# string, so Big5 bytes "succeed" as GB18030 too; real text in the right codec hits these far more often.
_COMMON = frozenset(
    "的一是不了在人有我他这個个们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能而子那得于於着"
    "下自之年过過发發后後作里裏用道行所然家种種事成方多经經么麼去法学學如都同现現当當没沒动動面起看定天分还還进進"
    "好小部其些主样樣理心她本前开開但因只从從想实實日军軍者意无無力它与與长長把机機十民第公此已工使情明性知全三"
    "又关關点點正业業外将將两兩高间間由问問很最重并並物手应應战戰向头頭文体體政美相见見被利什二等产產或新己制身"
    "果加西斯月话話合回特代内內信表化老给給世位次度门門任常先海通教儿兒原东東声聲提立及比员員解水名真论論处處走义義"
    "各入几幾口认認条條平系气氣题題活尔爾更别別打女变變四神总總何电電数數安少报報才结結反受目太量再感建务務做接必场場"
    "件计計管期市直德资資命山金指克许許统統区區保至队隊形社便空决決治展马馬科司五基眼书書非则則听聽白却界达達光放强強"
    "即像难難且权權思王象完设設式色路记記南品住告类類求据據程北边邊死张張该該交规規万萬取拉格望觉覺术術领領共确確传傳"
    "師师观觀清今切院让讓识識候带帶导導争爭运運笑飞飛风風步改收根干幹造言联聯持组組每济濟车車亲親极極林服快办辦议議往元"
    "英士证證近失转轉夫令准準布始怎呢存未远遠叫台单單影具罗羅字爱愛击擊流备備兵连連调調深商算质質团團集百需价價花党黨"
)

# Control bytes that never occur in text, even in legacy Chinese encodings.
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a file's bytes to text, detecting the encoding; raise IngestError for empty or binary input."""
    return decode_noted(data, source)[0]


def decode_noted(data: bytes, source: str) -> tuple[str, list[str]]:
    """(text, notes): decode_bytes, and a note when a few bytes no encoding fits were shown as U+FFFD."""
    text = _decode(data, source)
    if isinstance(text, str):
        return text, []
    plural = "s" if text.bad != 1 else ""
    return text.text, [f"{source}: {text.bad} byte sequence{plural} not valid {text.codec}, shown as U+FFFD (�)"]


@dataclass
class _NearlyFits:
    """The text of an encoding that fits all but a few bytes, and how many byte sequences it replaced."""

    text: str
    codec: str
    bad: int


def _decode(data: bytes, source: str) -> str | _NearlyFits:
    if not data.strip():
        raise IngestError(source, "empty input (no bytes to decode)")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    _refuse_binary(data, source)
    for codec in ("utf-8", declared_charset(data)):
        text = _strict(data, codec)
        if text is not None:
            return text
    legacy = [text for codec in ("gb18030", "big5") if (text := _strict(data, codec)) is not None]
    if legacy:
        return max(legacy, key=_common_share)  # max keeps the first (GB18030) on a tie
    return _nearly(data) or _best_guess(data, source)


def _nearly(data: bytes) -> _NearlyFits | None:
    """The encoding that fits all but a few bytes, decoded with U+FFFD; None if none does.

    The declared charset wins when it fits; else, of UTF-8, GB18030 and Big5, the one whose text holds the
    most common Chinese characters (GB bytes are mostly valid Big5 too, and the other way round).
    """
    allowed = min(200, max(1, len(data) // 1000))
    declared = declared_charset(data)
    fits = []
    for codec in dict.fromkeys(filter(None, (declared, "utf-8", "gb18030", "big5"))):
        try:
            text = data.decode(codec, errors="replace")
        except LookupError:
            continue
        bad = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
        if bad <= allowed:
            fits.append(_NearlyFits(text, codec, bad))
    if fits and fits[0].codec == declared:
        return fits[0]
    return max(fits, key=lambda near: _common_share(near.text)) if fits else None


def declared_charset(data: bytes) -> str | None:
    """The charset a page or XML prolog declares in its first 4 KB, normalised (gb2312 -> gb18030)."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    return _ALIASES.get(name, name)


def _strict(data: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _common_share(text: str) -> float:
    han = [ch for ch in text[:20000] if "\u4e00" <= ch <= "\u9fff"]
    return sum(ch in _COMMON for ch in han) / len(han) if han else 0.0


def _refuse_binary(data: bytes, source: str) -> None:
    head = data[:8192]
    if b"\x00" in head:
        raise IngestError(source, "binary input (NUL bytes), not a text file")
    if len(_BINARY.findall(head)) > max(8, len(head) // 200):
        raise IngestError(source, "binary input (control bytes), not a text file")


def _best_guess(data: bytes, source: str) -> str:
    # Loaded here: charset-normalizer costs ~50 ms to import and is rarely needed.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError(source, "undecodable input: no text encoding fits these bytes")
    return str(best)
