"""Validators: check digits, region codes, dates.  Pure functions on canonical strings.

* resident ID (GB 11643-1999): MOD 11-2 check digit, GB/T 2260 region, birth date;
* bank card: Luhn (ISO/IEC 7812);
* unified social credit code (GB 32100-2015): MOD 31 check character;
* mobile numbers: the 1[3-9] numbering plan.
"""

from __future__ import annotations

import datetime as _dt
import functools
import operator

from scanner.ruleset import DICTIONARY_ROOT

REGIONS_FILE = DICTIONARY_ROOT / "privacy" / "regions.tsv"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
TODAY = _dt.date(2026, 11, 22)


def _chunk_tables() -> list[dict[str, int]]:
    """Weighted digit sums of each three-digit chunk of the first 17 characters (the last chunk has two)."""
    tables = []
    for at in range(0, 17, 3):
        width = min(3, 17 - at)
        tables.append({f"{n:0{width}d}": sum(int(c) * w for c, w in zip(f"{n:0{width}d}", _ID_WEIGHTS[at:at + width]))
                       for n in range(10 ** width)})
    return tables


_CHUNKS = _chunk_tables()


def id_check_char(first17: str) -> str:
    """GB 11643 MOD 11-2 check character of 17 ASCII digits (weighted sum by three-digit chunk lookups)."""
    t = _CHUNKS
    try:
        total = (t[0][first17[0:3]] + t[1][first17[3:6]] + t[2][first17[6:9]] + t[3][first17[9:12]]
                 + t[4][first17[12:15]] + t[5][first17[15:17]])
    except KeyError:  # not 17 ASCII digits
        total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def id_checksum_ok(value: str) -> bool:
    """GB 11643 MOD 11-2 over an 18-character ID (upper-case X)."""
    return len(value) == 18 and value[:17].isdigit() and id_check_char(value[:17]) == value[17].upper()


def _ranges(spec: str) -> set[int]:
    out: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


@functools.lru_cache(maxsize=1)
def regions() -> dict[str, tuple[str, frozenset[int]]]:
    """Province code → (name, accepted prefecture digits)."""
    table: dict[str, tuple[str, frozenset[int]]] = {}
    for line in REGIONS_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(("#", "province\t")):
            continue
        code, name, pref = (line.split("\t") + ["", ""])[:3]
        table[code] = (name, frozenset(_ranges(pref)))
    return table


def region_name(code6: str) -> str | None:
    """The province name when ``code6[:6]`` is a plausible GB/T 2260 county code, else None (cached)."""
    return _region6(code6[:6]) if len(code6) >= 6 else None


@functools.lru_cache(maxsize=8192)
def _region6(code6: str) -> str | None:
    """The province name when ``code6`` is a plausible GB/T 2260 county code, else None.

    Prefecture digits must be listed for the province or be 21-50 (historical
    地区/盟/自治州 codes); 81/82/83 (HK/Macau/Taiwan residence permits) and 71
    take 0000 only.
    """
    if len(code6) < 6 or not code6[:6].isdigit():
        return None
    if code6[:2] == "83":
        return "台湾地区（居住证）" if code6[2:6] == "0000" else None
    entry = regions().get(code6[:2])
    if entry is None:
        return None
    name, prefs = entry
    pref = int(code6[2:4])
    if prefs == {0}:
        return name if code6[2:6] == "0000" else None
    if pref in prefs or 21 <= pref <= 50:
        return name
    return None


@functools.lru_cache(maxsize=65536)
def birth_date_ok(yyyymmdd: str, earliest: int = 1900) -> bool:
    try:
        d = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return earliest <= d.year and d <= TODAY


def id_parts_ok(value: str) -> tuple[bool, bool, bool]:
    """(region ok, birth date ok, check digit ok) of an 18-character ID."""
    return region_name(value) is not None, birth_date_ok(value[6:14]), id_checksum_ok(value)


def old_id_ok(value: str) -> tuple[bool, bool]:
    """(region ok, birth date ok) of a 15-digit first-generation ID (YYMMDD, 19YY)."""
    return region_name(value) is not None, birth_date_ok("19" + value[6:12])


_LUHN_DOUBLE = {str(d): (2 * d - 9 if 2 * d > 9 else 2 * d) for d in range(10)}


def luhn_ok(digits: str) -> bool:
    """ISO/IEC 7812 Luhn check over a string of ASCII digits (anything else fails)."""
    if not (digits.isascii() and digits.isdigit()):
        return False
    return (sum(map(int, digits[-1::-2])) + sum(map(_LUHN_DOUBLE.__getitem__, digits[-2::-2]))) % 10 == 0


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_ok(value: str) -> bool:
    """GB 32100-2015 unified social credit code (统一社会信用代码) check character."""
    value = value.upper()
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        return False
    if value[0] not in "123456789ANY" or not value[2:8].isdigit():
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == value[17]


def mobile_ok(digits: str) -> bool:
    """An 11-digit mainland mobile number (1 + 3..9 + nine digits)."""
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


def landline_ok(digits: str) -> bool:
    """A landline with its area code: 0 + 2-3 digit area code + 7-8 digit local number."""
    if not digits.startswith("0") or digits.startswith("00") or not 10 <= len(digits) <= 12:
        return False
    area = 3 if digits[1] in "12" else 4  # 010, 02x; else 0xxx
    local = digits[area:]
    return 7 <= len(local) <= 8 and local[0] not in "01"


def bank_prefix_ok(digits: str) -> bool:
    """Issuer prefixes of cards used in China: UnionPay 62/60/9x, Visa 4, Mastercard 5, JCB 35."""
    return digits[:2] in ("62", "60", "35", "81", "88", "94", "95", "99") or digits[0] in "45"
