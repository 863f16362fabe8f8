"""Personal data: validation, normalisation, masking, encryption and keyed hashing.

Validators here run once per row of imports of up to a million rows, so per-call work is
kept to a few C-level string operations and table lookups; the tables are built once at
import. Every user-facing error is a ``ValidationError`` with one short message per rule
and a stable ``code``; the message names neither row nor column, the caller adds those.

Standards: resident ID numbers follow GB 11643-1999, unified social credit codes (统一社会
信用代码) GB 32100-2015.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

__all__ = [
    "Cipher",
    "ColumnCipher",
    "Indexer",
    "cipher_context",
    "column_cipher",
    "data_cipher",
    "id_birth_date",
    "id_indexer",
    "id_number_check_char",
    "id_number_compose",
    "id_region_code",
    "id_sex",
    "mask_id_number",
    "mask_phone",
    "normalize_id_number",
    "normalize_phone",
    "normalize_uscc",
    "token_key_id",
    "uscc_check_char",
    "uscc_compose",
]

# --- Shared input cleaning -------------------------------------------------------------

# Full-width forms U+FF01..U+FF5E are the ASCII characters U+0021..U+007E typed with a
# Chinese input method; the ideographic space becomes a space that the split below removes.
# Zero-width characters and the BOM (first cell of a CSV saved by Excel) are not whitespace
# to str.split(), so they are deleted here.
_FULLWIDTH: dict[int, int | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))

# Phone numbers are also written with dashes and parentheses: "(0086) 138-0013-8000".
_PHONE_TABLE: dict[int, int | None] = dict(_FULLWIDTH)
_PHONE_TABLE.update(dict.fromkeys(map(ord, "-()")))
_PHONE_TABLE.update(dict.fromkeys((0xFF0D, 0xFF08, 0xFF09)))  # full-width - ( )
_PHONE_TABLE.update(dict.fromkeys(range(0x2010, 0x2016)))  # hyphen, en and em dashes
_PHONE_TABLE[0x2212] = None  # minus sign


def _as_text(raw: object) -> str:
    """The cell value as a string; spreadsheets hand numeric cells over as floats."""
    if isinstance(raw, str):
        return raw
    if raw is None:
        return ""
    if isinstance(raw, float):
        if raw != raw:  # NaN: what pandas-style readers give for an empty cell
            return ""
        # Excel stores 13800138000 as 13800138000.0; str() would keep the ".0".
        return str(int(raw)) if raw.is_integer() else repr(raw)
    return str(raw)


def _clean(text: str, table: dict[int, int | None]) -> str:
    # Nearly every cell is already plain ASCII letters and digits: skip the rewrite then.
    if text.isascii() and text.isalnum():
        return text
    return "".join(text.translate(table).split())


# --- Resident ID numbers (GB 11643-1999) -----------------------------------------------

# The weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 of the standard are 2**17 ... 2**1 mod 11.
# Since 13 = 2 (mod 11), int(first17, 13) = sum(d * 2**(16 - i)) (mod 11), so the weighted
# sum is 2 * int(first17, 13) (mod 11): one C call, four times faster than a loop over
# the digits. The tests compare it with the weights as written.
_ID_CHECK_CHARS = "10X98765432"
_ID_LAST_CHARS = frozenset("0123456789X")
_ID_MIN_BIRTH = "19000101"
# Every month-day of a leap year; 29 February is then checked against the year.
_MONTH_DAYS = frozenset((date(2000, 1, 1) + timedelta(days=n)).strftime("%m%d") for n in range(366))

_ID_REQUIRED = "身份证号不能为空"
_ID_LENGTH = "身份证号应为18位（或15位旧号）"
_ID_CHARS = "身份证号应为数字，仅最后一位可为X"
_ID_BIRTH = "身份证号出生日期无效"
_ID_CHECK = "身份证号校验码错误"
_ID_NUMERIC = "身份证号列被保存为数字，后几位已丢失：请把该列设为文本后重新填写"
_ID_REGION = "身份证号前两位不是有效的省级行政区划代码"
# Excel shows a long number as 3.30503197912040E+17, and a CSV saved from it keeps that.
_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$")
# Residence permits for people from Hong Kong (81), Macao (82) and Taiwan (83) follow the
# same scheme; 71 is Taiwan's province code in GB/T 2260.
_ID_EXTRA_PROVINCES = frozenset({"71", "81", "82", "83"})


@functools.cache
def _province_codes() -> frozenset[str]:
    """The province-level division codes an ID number may start with, from the maintained
    list of the china-division data package (installed by npm) and the four above."""
    import json
    from pathlib import Path

    path = Path(settings.NODE_MODULES_DIR) / "china-division" / "dist" / "provinces.json"
    try:
        provinces = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RuntimeError(
            f"找不到行政区划数据文件 {path}，请先运行 make setup（npm ci 安装 china-division）。"
        ) from exc
    return frozenset(p["code"] for p in provinces) | _ID_EXTRA_PROVINCES


def _numeric_cell_digits(raw: object) -> int:
    """How many digits a cell that is not text stands for (0 for text cells)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return 0
    if isinstance(raw, float) and (raw != raw or not raw.is_integer()):
        return 0
    return len(str(abs(int(raw))))


# Today's date as "YYYYMMDD" in the site's time zone, and the epoch second at which it
# stops being today. Reading the clock with a time zone costs more than the rest of the
# validation, so it is read once a day and the per-call cost is one time.time().
_today_cache: tuple[str, float] = ("", 0.0)


def _today_yyyymmdd() -> str:
    global _today_cache
    today, valid_until = _today_cache
    now = time.time()
    if now < valid_until:
        return today
    # The default zone, not the request's active one: a birth date's validity must not
    # depend on who is importing.
    local = datetime.fromtimestamp(now, timezone.get_default_timezone())
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    today = local.strftime("%Y%m%d")
    _today_cache = (today, midnight.timestamp())
    return today


def _is_birth_valid(yyyymmdd: str) -> bool:
    """yyyymmdd holds 8 ASCII digits; string order is then date order."""
    if not (_ID_MIN_BIRTH <= yyyymmdd <= _today_yyyymmdd()):
        return False
    mmdd = yyyymmdd[4:]
    if mmdd not in _MONTH_DAYS:
        return False
    if mmdd == "0229":
        year = int(yyyymmdd[:4])
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


def _id_check_char(first17: str) -> str:
    # first17 must already be known to be 17 ASCII digits: int() would also take signs,
    # underscores and whitespace.
    return _ID_CHECK_CHARS[2 * int(first17, 13) % 11]


def id_number_check_char(first17: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are given."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    return _id_check_char(first17)


def normalize_id_number(raw: object) -> str:
    """A resident ID number as its 18 uppercase characters, or ValidationError.

    Accepts what people and spreadsheets produce: full-width characters, whitespace
    anywhere, a lowercase x, numeric cells, and 15-digit numbers issued before 1999
    (converted to 18 digits).
    """
    # A spreadsheet number keeps about 15 significant digits: an 18-digit number stored as
    # a number has lost its last digits, and about one in eleven would still pass the
    # check digit, so it is refused with the real cause rather than a wrong number kept.
    if _numeric_cell_digits(raw) > 15:
        raise ValidationError(_ID_NUMERIC, code="id_numeric")
    s = _clean(_as_text(raw), _FULLWIDTH)
    if not s:
        raise ValidationError(_ID_REQUIRED, code="id_required")
    if _SCIENTIFIC.match(s):
        raise ValidationError(_ID_NUMERIC, code="id_numeric")
    n = len(s)
    if n == 18:
        first17 = s[:17]
        last = s[17]
        if last == "x":
            last = "X"
        if not (first17.isascii() and first17.isdigit() and last in _ID_LAST_CHARS):
            raise ValidationError(_ID_CHARS, code="id_chars")
        if s[:2] not in _province_codes():
            raise ValidationError(_ID_REGION, code="id_region")
        if not _is_birth_valid(s[6:14]):
            raise ValidationError(_ID_BIRTH, code="id_birth_date")
        if _id_check_char(first17) != last:
            raise ValidationError(_ID_CHECK, code="id_check")
        return first17 + last
    if n == 15:
        if not (s.isascii() and s.isdigit()):
            raise ValidationError(_ID_CHARS, code="id_chars")
        if s[:2] not in _province_codes():
            raise ValidationError(_ID_REGION, code="id_region")
        # Legacy numbers carry a two-digit year; all were issued to people born in 19xx.
        first17 = s[:6] + "19" + s[6:]
        if not _is_birth_valid(first17[6:14]):
            raise ValidationError(_ID_BIRTH, code="id_birth_date")
        return first17 + _id_check_char(first17)
    raise ValidationError(_ID_LENGTH, code="id_length")


def id_number_compose(region_code: str, birth: date, sequence: int) -> str:
    """A valid 18-digit number, for demo data and tests. Odd sequence = male."""
    if len(region_code) != 6 or not (region_code.isascii() and region_code.isdigit()):
        raise ValueError(f"region code must be 6 digits, got {region_code!r}")
    if not 0 <= sequence <= 999:
        raise ValueError(f"sequence must be 0-999, got {sequence}")
    first17 = f"{region_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return first17 + _id_check_char(first17)


def id_birth_date(id18: str) -> date:
    """Birth date of a normalised 18-character number."""
    return date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))


def id_sex(id18: str) -> str:
    """Returns "male" or "female" from the 17th digit of a normalised number (odd = male)."""
    return "male" if int(id18[16]) % 2 else "female"


def id_region_code(id18: str) -> str:
    """The 6-digit administrative region code where the number was issued."""
    return id18[:6]


def mask_id_number(id18: str) -> str:
    """First 6 and last 4 characters kept, the rest starred: "330502********123X".

    A string shorter than 10 characters is starred in full, since keeping 6 + 4 of it
    would show all of it.
    """
    n = len(id18)
    if n < 10:
        return "*" * n
    return id18[:6] + "*" * (n - 10) + id18[-4:]


def mask_name(name: str) -> str:
    """The family name kept, the rest starred: "张*", "欧**" (public notices)."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


# --- Bank accounts -----------------------------------------------------------------------

_ACCOUNT_NOISE = re.compile(r"[\s\-\u00a0\u3000]+")


def normalize_bank_account(value: Any) -> str:
    """A payee's bank card or account number: 8 to 30 digits, spaces and dashes dropped."""
    text = _ACCOUNT_NOISE.sub("", str(value if value is not None else "")).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]  # a number cell read back as a float
    if not text.isdigit() or not 8 <= len(text) <= 30:
        raise ValidationError("收款账号应为 8 至 30 位数字。", code="bank_account")
    return text


def mask_bank_account(account: str) -> str:
    """Like an ID number: first 6 and last 4 kept ("622202******1234")."""
    return mask_id_number(account)


# --- Mainland mobile numbers -----------------------------------------------------------

_PHONE_REQUIRED = "手机号码不能为空"
_PHONE_FORMAT = "手机号码应为以1开头的11位数字"
_PHONE_PREFIX = "手机号码号段无效"
_PHONE_SECOND_DIGITS = frozenset("3456789")


def normalize_phone(raw: object) -> str:
    """An 11-digit mainland mobile number, or ValidationError.

    Spaces, dashes, parentheses, full-width digits and a +86 / 0086 / 86 country prefix
    are accepted and removed.
    """
    s = _clean(_as_text(raw), _PHONE_TABLE)
    if not s:
        raise ValidationError(_PHONE_REQUIRED, code="phone_required")
    n = len(s)
    # The prefix is only dropped when it leaves 11 digits, so an 11-digit number that
    # happens to start with 86 is not cut short.
    if n == 14 and s.startswith("+86"):
        s = s[3:]
    elif n == 15 and s.startswith("0086"):
        s = s[4:]
    elif n == 13 and s.startswith("86"):
        s = s[2:]
    if len(s) != 11 or s[0] != "1" or not (s.isascii() and s.isdigit()):
        raise ValidationError(_PHONE_FORMAT, code="phone_format")
    if s[1] not in _PHONE_SECOND_DIGITS:
        raise ValidationError(_PHONE_PREFIX, code="phone_prefix")
    return s


def mask_phone(phone: str) -> str:
    """First 3 + "****" + last 4: "138****8000". Shorter than 7 characters: all stars."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


# --- Unified social credit codes (GB 32100-2015) ---------------------------------------

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_USCC_CHARS = frozenset(_USCC_CHARSET)
# The weights 1 3 9 27 19 26 16 ... 28 of the standard are 3**0 ... 3**16 mod 31, and
# 34 = 3 (mod 31). Rewriting each character as the base-36 digit of its value (J, worth
# 18, becomes I) and reversing the string, int(..., 34) is the weighted sum mod 31:
# one C call instead of a loop over the characters. The tests compare it with the
# weights as written.
_USCC_AS_DIGITS = bytes.maketrans(_USCC_CHARSET.encode(), b"0123456789ABCDEFGHIJKLMNOPQRSTU")

_USCC_REQUIRED = "统一社会信用代码不能为空"
_USCC_LENGTH = "统一社会信用代码应为18位"
_USCC_BAD_CHARS = "统一社会信用代码含有无效字符（不使用I、O、S、V、Z）"
_USCC_CHECK = "统一社会信用代码校验码错误"
_USCC_KIND = "统一社会信用代码前两位不是有效的登记管理部门和机构类别代码"
_USCC_REGION = "统一社会信用代码第3～8位应为行政区划代码（6位数字）"
# GB 32100-2015, appendix A: the registration department (first character) and the kinds
# of organisation it registers (second character). 8 is the unions' own (81 基层工会).
_USCC_KINDS = frozenset(
    dept + kind
    for dept, kinds in {
        "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办管理的群众团体, 其他
        "2": "19",  # 外交
        "3": "123459",  # 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定, 仲裁委, 其他
        "4": "19",  # 文化
        "5": "1239",  # 民政: 社会团体, 民办非企业单位（社会服务机构）, 基金会, 其他
        "6": "129",  # 旅游
        "7": "129",  # 宗教
        "8": "19",  # 工会
        "9": "123",  # 市场监管（工商）: 企业, 个体工商户, 农民专业合作社
        "A": "19",  # 中央军委改革和编制办公室
        "N": "1239",  # 农业: 组级、村级、乡镇级集体经济组织, 其他
        "Y": "1",  # 其他
    }.items()
    for kind in kinds
)


def _uscc_check_char(first17: str) -> str:
    # first17 must already be known to hold 17 characters of the charset. The standard's
    # 31 - (sum mod 31), with 31 -> 0, is (-sum) mod 31.
    weighted = int(first17.encode().translate(_USCC_AS_DIGITS)[::-1], 34)
    return _USCC_CHARSET[-weighted % 31]


def uscc_check_char(first17: str) -> str:
    """The 18th character of a credit code whose first 17 characters are given."""
    if len(first17) != 17 or not _USCC_CHARS.issuperset(first17):
        raise ValueError(f"expected 17 characters of {_USCC_CHARSET}, got {first17!r}")
    return _uscc_check_char(first17)


def uscc_compose(first17: str) -> str:
    """first17 with its check character appended, for demo data and tests."""
    return first17 + uscc_check_char(first17)


def normalize_uscc(raw: object) -> str:
    """An 18-character uppercase unified social credit code, or ValidationError."""
    s = _clean(_as_text(raw), _FULLWIDTH).upper()
    if not s:
        raise ValidationError(_USCC_REQUIRED, code="uscc_required")
    if len(s) != 18:
        raise ValidationError(_USCC_LENGTH, code="uscc_length")
    if not _USCC_CHARS.issuperset(s):
        raise ValidationError(_USCC_BAD_CHARS, code="uscc_chars")
    if s[:2] not in _USCC_KINDS:
        raise ValidationError(_USCC_KIND, code="uscc_kind")
    if not s[2:8].isdigit():
        raise ValidationError(_USCC_REGION, code="uscc_region")
    if _uscc_check_char(s[:17]) != s[17]:
        raise ValidationError(_USCC_CHECK, code="uscc_check")
    return s


# --- Encryption ------------------------------------------------------------------------

_NONCE_BYTES = 12
_TAG_BYTES = 16


def _derive_key(purpose: bytes, key: str) -> bytes:
    # Settings hold secrets of any length and alphabet (token_urlsafe, passphrases), while
    # AES-256 and our HMAC want exactly 32 bytes: SHA-256 maps one to the other. The
    # purpose prefix keeps the encryption and index keys apart even if an operator sets
    # both settings to the same string.
    if not key:
        raise ValueError("an empty key is not a key")
    return hashlib.sha256(purpose + key.encode()).digest()


# A token: format (1 byte), key id length (1 byte), key id (ASCII), nonce, ciphertext + tag.
TOKEN_FORMAT = 1


def cipher_context(table: str, column: str, row: object) -> bytes:
    """The associated data that binds a token to one column of one row: a token copied to
    another row, another column or another table no longer decrypts."""
    return f"gonghui:{TOKEN_FORMAT}\x00{table}\x00{column}\x00{row}".encode()


class Cipher:
    """AES-256-GCM for personal data at rest, over a keyring of (key id, secret) pairs whose
    first key encrypts and all of which decrypt. Each token names its key, so keys can be
    rotated (``gonghui rotate-keys``) while the rows still under an older key keep reading.

    Nonces are random; with 96-bit random nonces one key stays within NIST's bound of
    2**32 encryptions, far above what a city's membership will ever produce.
    """

    def __init__(
        self,
        keys: Sequence[tuple[str, str]],
        refresh: Callable[[], Sequence[tuple[str, str]]] | None = None,
    ) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        self._refresh = refresh
        self._load(keys)

    def _load(self, keys: Sequence[tuple[str, str]]) -> None:
        aeads = {key_id: AESGCM(_derive_key(b"gonghui-data:", secret)) for key_id, secret in keys}
        current = keys[0][0]
        # One assignment, so a thread reading the ring never sees half of a reload.
        self._ring = (current, current.encode(), aeads)

    @property
    def current_key_id(self) -> str:
        return self._ring[0]

    @property
    def key_ids(self) -> list[str]:
        return list(self._ring[2])

    def encrypt(self, plaintext: str, context: bytes) -> bytes:
        return self.encrypt_many([plaintext], [context])[0]

    def encrypt_many(self, values: Sequence[str], contexts: Sequence[bytes]) -> list[bytes]:
        """encrypt() for each value with its context, drawing every nonce from a single
        os.urandom call."""
        if not values:
            return []
        current, key_id, aeads = self._ring
        encrypt = aeads[current].encrypt
        header = bytes((TOKEN_FORMAT, len(key_id))) + key_id
        # One system call instead of one per row: os.urandom dominated bulk encryption.
        pool = os.urandom(_NONCE_BYTES * len(values))
        out: list[bytes] = []
        append = out.append
        start = 0
        for value, context in zip(values, contexts, strict=True):
            nonce = pool[start : start + _NONCE_BYTES]
            start += _NONCE_BYTES
            append(header + nonce + encrypt(nonce, value.encode(), context))
        return out

    def decrypt(self, token: bytes | bytearray | memoryview, context: bytes) -> str:
        """The plaintext; raises cryptography's InvalidTag for any token it did not make for
        this context (another row or column, a damaged token, a key it does not hold)."""
        # BinaryField gives memoryview on PostgreSQL; slicing needs real bytes.
        data = token if isinstance(token, bytes) else bytes(token)
        key_id = token_key_id(data)
        if key_id is None:
            raise InvalidTag()
        aead = self._ring[2].get(key_id)
        if aead is None and self._refresh is not None:
            # Another process (rotate-keys) may have added the key since this one started.
            self._load(self._refresh())
            aead = self._ring[2].get(key_id)
        if aead is None:
            raise InvalidTag()
        body = 2 + len(key_id)
        return aead.decrypt(
            data[body : body + _NONCE_BYTES], data[body + _NONCE_BYTES :], context
        ).decode()


def token_key_id(token: bytes | bytearray | memoryview) -> str | None:
    """The id of the key a token was made with, or None if it is not a token of ours."""
    data = bytes(token)
    if len(data) < 2 or data[0] != TOKEN_FORMAT:
        return None
    size = data[1]
    if size == 0 or len(data) < 2 + size + _NONCE_BYTES + _TAG_BYTES:
        return None
    try:
        return data[2 : 2 + size].decode("ascii")
    except UnicodeDecodeError:
        return None


def legacy_decrypt(secret: str, token: bytes | bytearray | memoryview) -> str:
    """A token of the first format (nonce + ciphertext + tag, no key id, no context): read
    once by the migration that re-encrypts them."""
    data = bytes(token)
    if len(data) < _NONCE_BYTES + _TAG_BYTES:
        raise InvalidTag()
    aead = AESGCM(_derive_key(b"gonghui-data:", secret))
    return aead.decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], None).decode()


def legacy_encrypt(secret: str, plaintext: str) -> bytes:
    """A token of the first format, for migrating back to the code that reads only those."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_derive_key(b"gonghui-data:", secret)).encrypt(
        nonce, plaintext.encode(), None
    )


class ColumnCipher:
    """The data cipher bound to one encrypted column: each value is sealed to its row."""

    def __init__(self, cipher: Cipher, table: str, column: str) -> None:
        self.cipher = cipher
        self.table = table
        self.column = column

    def context(self, row: object) -> bytes:
        return cipher_context(self.table, self.column, row)

    def encrypt(self, row: object, plaintext: str) -> bytes:
        return self.cipher.encrypt(plaintext, self.context(row))

    def encrypt_many(self, rows: Sequence[object], values: Sequence[str]) -> list[bytes]:
        return self.cipher.encrypt_many(values, [self.context(r) for r in rows])

    def decrypt(self, row: object, token: bytes | bytearray | memoryview) -> str:
        return self.cipher.decrypt(token, self.context(row))


def column_cipher(column: Any) -> ColumnCipher:
    """The cipher of an encrypted column, given as its model attribute (``Member.id_cipher``)
    or its field."""
    field = getattr(column, "field", column)
    return ColumnCipher(data_cipher(), field.model._meta.db_table, field.column)


# --- Keyed hashing ---------------------------------------------------------------------

_SHA256_BLOCK = 64
_IPAD = bytes(0x36 for _ in range(_SHA256_BLOCK))
_OPAD = bytes(0x5C for _ in range(_SHA256_BLOCK))


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


class Indexer:
    """HMAC-SHA256 of values, as hex: for exact lookups and uniqueness of encrypted data.

    Equal to hmac.new(key_bytes, value, "sha256") but about twice as fast: the hash states
    after the padded key blocks (RFC 2104) are computed once here and copied per call,
    instead of hashing the key again for every value.
    """

    def __init__(self, key: str) -> None:
        padded = _derive_key(b"gonghui-index:", key).ljust(_SHA256_BLOCK, b"\0")
        self._inner = hashlib.sha256(_xor(padded, _IPAD))
        self._outer = hashlib.sha256(_xor(padded, _OPAD))

    def digest(self, value: str) -> str:
        inner = self._inner.copy()
        inner.update(value.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def digest_many(self, values: list[str]) -> list[str]:
        inner_copy = self._inner.copy
        outer_copy = self._outer.copy
        out: list[str] = []
        append = out.append
        for value in values:
            inner = inner_copy()
            inner.update(value.encode())
            outer = outer_copy()
            outer.update(inner.digest())
            append(outer.hexdigest())
        return out


# Keyed on the keys, so a test that overrides the setting gets a matching instance while
# production builds each one once.
@functools.lru_cache(maxsize=4)
def _cipher_for(keys: tuple[tuple[str, str], ...], key_file: str | None) -> Cipher:
    refresh = None
    if key_file is not None:
        from gonghui.core.keyfile import file_data_keys

        def refresh() -> tuple[tuple[str, str], ...]:
            return file_data_keys(Path(key_file))

    return Cipher(keys, refresh)


@functools.lru_cache(maxsize=4)
def _indexer_for(key: str) -> Indexer:
    return Indexer(key)


def data_cipher() -> Cipher:
    """The Cipher for settings.GONGHUI_DATA_KEYS (reloaded from the key file, when the keys
    come from one, if a token names a key added since)."""
    from_file = not settings.GONGHUI_DATA_KEYS_FROM_ENV
    return _cipher_for(
        tuple(settings.GONGHUI_DATA_KEYS), str(settings.GONGHUI_KEY_FILE) if from_file else None
    )


def id_indexer() -> Indexer:
    """The Indexer for settings.GONGHUI_INDEX_KEY."""
    return _indexer_for(settings.GONGHUI_INDEX_KEY)


# --- Scrubbing free text -----------------------------------------------------------------

# Digits as people type them: runs broken by a space (full-width too), a hyphen or a dot
# ("3305 0219 8604 1288 1X", "139-5720-0001"), in full-width digits as well (\d is Unicode).
_SEP = r"[\s\-－–—.·．]?"
_ID_LIKE = re.compile(rf"(?<![0-9A-Za-z])\d(?:{_SEP}\d){{13,16}}{_SEP}[\dXxＸｘ](?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(rf"(?<!\d)(?:[+＋]?86{_SEP})?[1１](?:{_SEP}\d){{10}}(?!\d)")


def _mask_id_run(match: re.Match[str]) -> str:
    chars = [c for c in match[0] if c.isdigit() or c in "XxＸｘ"]
    if len(chars) not in (15, 18):
        return match[0]
    return "".join(chars[:6]) + "*" * (len(chars) - 10) + "".join(chars[-4:])


def _mask_phone_run(match: re.Match[str]) -> str:
    digits = [c for c in match[0] if c.isdigit()][-11:]
    return "".join(digits[:3]) + "****" + "".join(digits[-4:])


def scrub_personal(text: str) -> str:
    """Mask anything in free text that looks like an ID number or a mobile number, however
    it is spaced.

    Audit summaries, job labels, file names and review comments quote what users typed;
    this keeps a full number from being stored in clear there."""
    text = _ID_LIKE.sub(_mask_id_run, text)
    return _PHONE_LIKE.sub(_mask_phone_run, text)
