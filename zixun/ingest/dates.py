"""Publish times as Chinese pages write them, read as timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# 2025-09-12 22:03:00 / 2025/9/12 22:03 / 2025年9月12日 22时03分 / 2025.09.12 22:03; older pages and blogs:
# 2005-5-7 21:23:57, 2005-5-7 下午 09:23, 2005-5-7 9:23 PM, 2005年5月7日 星期六 21:23; pages for readers
# abroad name the clock's zone: 2012年12月10日, 格林尼治标准时间10:41 (BBC中文网), 2012-12-10 10:41 GMT
_DATE_TIME = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?:T|\s|[,，](?=\s*格林))?\s*(?:(?:星期|周)[一二三四五六日天]\s*)?(?P<zone>格林[尼威]治(?:标准)?时间)?"
    r"(?P<ap1>上午|下午|晚上|中午|凌晨)?\s*"
    r"(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})\s*分?(?:\s*[:：]\s*(?P<S>\d{2})\s*秒?)?"
    r"(?:\.\d+)?(?:\s*(?P<ap2>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|GMT(?![+-]\d)|UTC(?![+-]\d))?)?"
)
_AFTERNOON = ("下午", "晚上", "pm", "p.m.", "p.m")


def find_datetime(text: str) -> datetime | None:
    """Return the first plausible date-time in text (aware; naive means Asia/Shanghai), or None."""
    for match in _DATE_TIME.finditer(text):
        parsed = _from_match(match)
        if parsed is not None:
            return parsed
    return None


def parse_datetime(text: str) -> datetime | None:
    """Parse text that is (mostly) one timestamp, ISO 8601 included; None when it is none (never raises)."""
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return find_datetime(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def _from_match(match: re.Match) -> datetime | None:
    parts = {k: int(v) for k, v in match.groupdict().items() if v and k not in ("tz", "ap1", "ap2", "zone")}
    half = (match.group("ap1") or match.group("ap2") or "").lower()
    if half and "H" in parts:  # 下午 9:23 / 9:23 PM is 21:23; 12:05 AM is 00:05
        if half in _AFTERNOON and parts["H"] < 12:
            parts["H"] += 12
        elif half in ("am", "a.m.", "a.m") and parts["H"] == 12:
            parts["H"] = 0
    try:
        value = datetime(parts["y"], parts["m"], parts["d"], parts.get("H", 0), parts.get("M", 0), parts.get("S", 0))
    except ValueError:
        return None
    tz = match.group("tz") or ("Z" if match.group("zone") else None)
    if not tz:
        return value.replace(tzinfo=SHANGHAI)
    if tz in ("Z", "GMT", "UTC"):
        return value.replace(tzinfo=UTC)
    sign = 1 if tz[0] == "+" else -1
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if offset >= timedelta(hours=24):  # +99:00 is no time zone; timezone() would raise
        return None
    return value.replace(tzinfo=timezone(sign * offset))
