from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from gonghui.core import pii
from gonghui.core.pii import (
    Cipher,
    Indexer,
    cipher_context,
    data_cipher,
    id_birth_date,
    id_indexer,
    id_number_check_char,
    id_number_compose,
    id_region_code,
    id_sex,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    normalize_uscc,
    token_key_id,
    uscc_check_char,
    uscc_compose,
)

KNOWN_ID = "11010519491231002X"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

PROVINCES = [
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
]
regions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(PROVINCES),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
uscc_bodies = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17)
USCC_KINDS = [
    "11",
    "12",
    "13",
    "19",
    "21",
    "29",
    "31",
    "32",
    "33",
    "34",
    "35",
    "39",
    "41",
    "49",
    "51",
    "52",
    "53",
    "59",
    "61",
    "62",
    "69",
    "71",
    "72",
    "79",
    "81",
    "89",
    "91",
    "92",
    "93",
    "A1",
    "A9",
    "N1",
    "N2",
    "N3",
    "N9",
    "Y1",
]
# Bodies a registration office could issue: a department and kind, a division code, then
# the organisation's own nine characters.
issued_uscc_bodies = st.builds(
    lambda kind, region, rest: kind + region + rest,
    st.sampled_from(USCC_KINDS),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9),
)


def error_code(func: Callable[[object], str], raw: object) -> str | None:
    with pytest.raises(ValidationError) as caught:
        func(raw)
    return caught.value.code


def with_check(first17: str) -> str:
    return first17 + id_number_check_char(first17)


# --- Resident ID numbers ---------------------------------------------------------------


def test_known_valid_id_is_accepted() -> None:
    assert normalize_id_number(KNOWN_ID) == KNOWN_ID


def test_check_char_of_known_id() -> None:
    assert id_number_check_char(KNOWN_ID[:17]) == "X"


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_follows_the_standard_weights(first17: str) -> None:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    assert id_number_check_char(first17) == "10X98765432"[total % 11]


@pytest.mark.parametrize(
    "first17", ["1101051949123100A", "+1101051949123100", "1_101051949123100", " 1101051949123100"]
)
def test_check_char_refuses_non_digits(first17: str) -> None:
    with pytest.raises(ValueError):
        id_number_check_char(first17)


@given(regions, births, sequences)
def test_composed_id_normalises_to_itself(region: str, birth: date, sequence: int) -> None:
    number = id_number_compose(region, birth, sequence)
    assert normalize_id_number(number) == number


@given(regions, births, sequences)
def test_composed_id_carries_its_parts(region: str, birth: date, sequence: int) -> None:
    number = id_number_compose(region, birth, sequence)
    assert (id_region_code(number), id_birth_date(number)) == (region, birth)
    assert id_sex(number) == ("male" if sequence % 2 else "female")


def test_compose_builds_the_expected_string() -> None:
    assert id_number_compose("110105", date(1949, 12, 31), 2) == KNOWN_ID


def test_compose_refuses_sequence_out_of_range() -> None:
    with pytest.raises(ValueError):
        id_number_compose("110105", date(1990, 1, 1), 1000)


def test_sex_from_odd_and_even_digit() -> None:
    assert id_sex(id_number_compose("330502", date(1990, 1, 1), 123)) == "male"
    assert id_sex(KNOWN_ID) == "female"


@given(regions, births, sequences, st.data())
def test_changing_one_digit_is_detected(
    region: str, birth: date, sequence: int, data: st.DataObject
) -> None:
    number = id_number_compose(region, birth, sequence)
    position = data.draw(st.integers(min_value=0, max_value=16))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    changed = number[:position] + digit + number[position + 1 :]
    # A changed province or date digit may make the code or the date itself invalid,
    # which is reported first.
    assert error_code(normalize_id_number, changed) in {"id_check", "id_birth_date", "id_region"}


def test_legacy_15_digit_is_converted() -> None:
    assert normalize_id_number("330502900101123") == with_check("33050219900101123")


def test_legacy_conversion_appends_computed_check_char() -> None:
    assert normalize_id_number("330502900101123") == "330502199001011236"


def test_legacy_15_digit_with_invalid_date_is_refused() -> None:
    assert error_code(normalize_id_number, "330502900231123") == "id_birth_date"


def test_full_width_digits_and_x_are_converted() -> None:
    assert normalize_id_number("１１０１０５１９４９１２３１００２Ｘ") == KNOWN_ID


def test_full_width_lowercase_x_is_converted() -> None:
    assert normalize_id_number("11010519491231002ｘ") == KNOWN_ID


def test_lowercase_x_is_uppercased() -> None:
    assert normalize_id_number("11010519491231002x") == KNOWN_ID


def test_whitespace_of_every_kind_is_removed() -> None:
    assert normalize_id_number(" 110105\u30001949\u00a01231\t002 x\n") == KNOWN_ID


def test_zero_width_and_bom_are_removed() -> None:
    assert normalize_id_number("\ufeff110105\u200b19491231002X") == KNOWN_ID


@given(regions, births, sequences, st.lists(st.sampled_from([" ", "\u3000", "\u00a0", "\t"])))
def test_inserted_whitespace_does_not_change_result(
    region: str, birth: date, sequence: int, spaces: list[str]
) -> None:
    number = id_number_compose(region, birth, sequence)
    spaced = "".join(spaces) + number[:6] + "".join(spaces) + number[6:] + "".join(spaces)
    assert normalize_id_number(spaced) == number


def test_an_18_digit_number_cell_is_refused_with_its_cause() -> None:
    # A reader hands numeric cells over as numbers, already rounded to a double's digits.
    number = id_number_compose("330502", date(1990, 1, 1), 123)
    with pytest.raises(ValidationError, match="身份证号列被保存为数字，后几位已丢失"):
        normalize_id_number(int(number))


def test_integral_float_legacy_number_is_accepted() -> None:
    assert normalize_id_number(330502900101123.0) == "330502199001011236"


def test_float_18_digit_number_is_refused_for_what_it_is() -> None:
    # 330503197912039536 arrives as 330503197912040000: one such in eleven passes the check
    # digit, so none may be taken, and the message says why.
    assert error_code(normalize_id_number, 330503197912039536.0) == "id_numeric"
    assert error_code(normalize_id_number, 3.30503197912040e17) == "id_numeric"


def test_scientific_notation_text_is_refused_as_a_number_cell() -> None:
    assert error_code(normalize_id_number, "3.30503197912040E+17") == "id_numeric"


@pytest.mark.parametrize("province", ["00", "10", "20", "39", "66", "80", "84", "99"])
def test_an_id_from_no_province_is_refused(province: str) -> None:
    number = id_number_compose(province + "0101", date(1990, 1, 1), 123)
    assert error_code(normalize_id_number, number) == "id_region"


@pytest.mark.parametrize("province", ["11", "33", "65", "71", "81", "82", "83"])
def test_ids_of_every_province_hk_macao_and_taiwan_pass(province: str) -> None:
    number = id_number_compose(province + "0101", date(1990, 1, 1), 123)
    assert normalize_id_number(number) == number


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", float("nan")])
def test_empty_id_is_required(raw: object) -> None:
    assert error_code(normalize_id_number, raw) == "id_required"


def test_invalid_calendar_date_is_refused() -> None:
    assert error_code(normalize_id_number, with_check("11010519900230002")) == "id_birth_date"


def test_february_29_of_a_leap_year_is_accepted() -> None:
    number = with_check("11010520000229002")
    assert normalize_id_number(number) == number


def test_february_29_of_1900_is_refused() -> None:
    assert error_code(normalize_id_number, with_check("11010519000229002")) == "id_birth_date"


def test_month_13_is_refused() -> None:
    assert error_code(normalize_id_number, with_check("11010519901301002")) == "id_birth_date"


def test_birth_before_1900_is_refused() -> None:
    assert error_code(normalize_id_number, with_check("11010518991231002")) == "id_birth_date"


def test_birth_on_1900_01_01_is_accepted() -> None:
    number = id_number_compose("110105", date(1900, 1, 1), 2)
    assert normalize_id_number(number) == number


def test_future_birth_date_is_refused() -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    number = id_number_compose("110105", tomorrow, 2)
    assert error_code(normalize_id_number, number) == "id_birth_date"


def test_birth_today_is_accepted() -> None:
    number = id_number_compose("110105", timezone.localdate(), 2)
    assert normalize_id_number(number) == number


def test_wrong_check_digit_is_refused() -> None:
    assert error_code(normalize_id_number, "110105194912310021") == "id_check"


def test_wrong_check_digit_message() -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_id_number("110105194912310021")
    assert caught.value.messages == ["身份证号校验码错误"]


@pytest.mark.parametrize("raw", ["1101051949123100", "11010519491231002X1", "12345"])
def test_wrong_length_is_refused(raw: str) -> None:
    assert error_code(normalize_id_number, raw) == "id_length"


@pytest.mark.parametrize("raw", ["1101051949123100XX", "11010519491231002Y", "11010519491231A02X"])
def test_non_digit_is_refused(raw: str) -> None:
    assert error_code(normalize_id_number, raw) == "id_chars"


def test_non_ascii_digits_are_refused() -> None:
    arabic_indic = "".join(chr(0x0660 + int(c)) for c in KNOWN_ID[:17]) + "X"
    assert error_code(normalize_id_number, arabic_indic) == "id_chars"


def test_mask_id_number() -> None:
    assert mask_id_number("33050219900101123X") == "330502********123X"


def test_mask_id_number_of_legacy_length() -> None:
    assert mask_id_number("330502900101123") == "330502*****1123"


def test_mask_id_number_of_ten_characters() -> None:
    assert mask_id_number("1234567890") == "1234567890"


def test_mask_id_number_too_short_is_all_stars() -> None:
    assert mask_id_number("123456789") == "*********"


# --- Phone numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138-0013-8000",
        "8613800138000",
        "008613800138000",
        "(+86) 138 0013 8000",
        "１３８００１３８０００",
        "＋８６　１３８－００１３－８０００",
        "138\u00a00013\u20148000",
        13800138000,
        13800138000.0,
        8613800138000.0,
    ],
)
def test_phone_forms_are_normalised(raw: object) -> None:
    assert normalize_phone(raw) == "13800138000"


def test_phone_with_second_digit_2_is_refused() -> None:
    assert error_code(normalize_phone, "12800138000") == "phone_prefix"


@pytest.mark.parametrize(
    "raw", ["1380013800", "138001380001", "23800138000", "1380013800a", "+8513800138000"]
)
def test_malformed_phone_is_refused(raw: str) -> None:
    assert error_code(normalize_phone, raw) == "phone_format"


def test_malformed_phone_message() -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_phone("1380013800")
    assert caught.value.messages == ["手机号码应为以1开头的11位数字"]


@pytest.mark.parametrize("raw", [None, "", " - ", float("nan")])
def test_empty_phone_is_required(raw: object) -> None:
    assert error_code(normalize_phone, raw) == "phone_required"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_valid_phone_normalises_to_itself(phone: str) -> None:
    assert normalize_phone(phone) == phone


def test_mask_phone() -> None:
    assert mask_phone("13800138000") == "138****8000"


def test_mask_phone_too_short_is_all_stars() -> None:
    assert mask_phone("123456") == "******"


# --- Unified social credit codes -------------------------------------------------------


def test_commonly_cited_uscc_is_valid() -> None:
    assert normalize_uscc("91350100M000100Y43") == "91350100M000100Y43"


def test_uscc_with_wrong_check_char_is_refused() -> None:
    # Often quoted as an example, but its check character should be D.
    assert error_code(normalize_uscc, "91330500MA28C6JD5F") == "uscc_check"


def test_uscc_check_char_of_cited_example() -> None:
    assert uscc_check_char("91330500MA28C6JD5") == "D"


@given(uscc_bodies)
def test_uscc_check_char_follows_the_standard_weights(body: str) -> None:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    code = 31 - total % 31
    assert uscc_check_char(body) == USCC_CHARSET[0 if code == 31 else code]


@pytest.mark.parametrize("body", ["+1350100M000100Y4", " 1350100M000100Y4", "9_350100M000100Y4"])
def test_uscc_check_char_refuses_what_int_would_accept(body: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_char(body)


def test_uscc_compose_appends_check_char() -> None:
    assert uscc_compose("91350100M000100Y4") == "91350100M000100Y43"


@given(issued_uscc_bodies)
def test_composed_uscc_normalises_to_itself(body: str) -> None:
    code = uscc_compose(body)
    assert normalize_uscc(code) == code


@given(issued_uscc_bodies, st.data())
def test_changing_one_uscc_character_is_detected(body: str, data: st.DataObject) -> None:
    code = uscc_compose(body)
    position = data.draw(st.integers(min_value=0, max_value=17))
    char = data.draw(st.sampled_from([c for c in USCC_CHARSET if c != code[position]]))
    # A changed kind or division character may be refused for that first.
    assert error_code(normalize_uscc, code[:position] + char + code[position + 1 :]) in {
        "uscc_check",
        "uscc_kind",
        "uscc_region",
    }


@pytest.mark.parametrize("kind", ["10", "22", "37", "82", "94", "B1", "NA", "Y9", "G1"])
def test_uscc_of_a_kind_gb32100_does_not_define_is_refused(kind: str) -> None:
    assert error_code(normalize_uscc, uscc_compose(kind + "330502MA2B00001")) == "uscc_kind"


def test_a_union_credit_code_passes() -> None:
    # 81: 基层工会, registered by the unions themselves.
    code = uscc_compose("81330502MC0000001")
    assert normalize_uscc(code) == code


def test_uscc_division_code_must_be_digits() -> None:
    assert error_code(normalize_uscc, uscc_compose("9133A502MA2B00001")) == "uscc_region"


@given(issued_uscc_bodies)
def test_uscc_check_char_agrees_with_python_stdnum(body: str) -> None:
    from stdnum.cn import uscc

    assert uscc_check_char(body) == uscc.calc_check_digit(body)


@given(regions, births, sequences)
def test_id_check_char_agrees_with_python_stdnum(region: str, birth: date, sequence: int) -> None:
    from stdnum.cn import ric

    first17 = id_number_compose(region, birth, sequence)[:17]
    # stdnum takes the whole number and ignores its last character.
    assert id_number_check_char(first17) == ric.calc_check_digit(first17 + "?")


def test_uscc_lowercase_full_width_and_spaces_are_normalised() -> None:
    assert normalize_uscc(" ９１３５０１００ｍ000100\u3000y43\t") == "91350100M000100Y43"


@pytest.mark.parametrize("raw", ["91350100M000100Y4", "91350100M000100Y433"])
def test_uscc_wrong_length_is_refused(raw: str) -> None:
    assert error_code(normalize_uscc, raw) == "uscc_length"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_uscc_excluded_letters_are_refused(letter: str) -> None:
    assert error_code(normalize_uscc, "91350100M000100" + letter + "43") == "uscc_chars"


def test_uscc_punctuation_is_refused() -> None:
    assert error_code(normalize_uscc, "91350100-000100Y43") == "uscc_chars"


def test_empty_uscc_is_required() -> None:
    assert error_code(normalize_uscc, "  ") == "uscc_required"


def test_uscc_check_char_refuses_excluded_letters() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100I4")


# --- Encryption ------------------------------------------------------------------------


RING = [("k1", "test-key")]
ROW = cipher_context("members_member", "id_cipher", 7)


@given(st.text())
def test_cipher_round_trip(plaintext: str) -> None:
    cipher = Cipher(RING)
    assert cipher.decrypt(cipher.encrypt(plaintext, ROW), ROW) == plaintext


def test_token_is_format_key_id_nonce_ciphertext_and_tag() -> None:
    token = Cipher(RING).encrypt("湖州", ROW)
    assert token[:4] == b"\x01\x02k1"
    assert len(token) == 4 + 12 + len("湖州".encode()) + 16


def test_token_names_its_key() -> None:
    assert token_key_id(Cipher([("2026-12", "x"), *RING]).encrypt("张三", ROW)) == "2026-12"


def test_same_plaintext_gives_different_tokens() -> None:
    cipher = Cipher(RING)
    assert cipher.encrypt(KNOWN_ID, ROW) != cipher.encrypt(KNOWN_ID, ROW)


def test_decrypt_accepts_memoryview() -> None:
    cipher = Cipher(RING)
    assert cipher.decrypt(memoryview(cipher.encrypt("张三", ROW)), ROW) == "张三"


def test_decrypt_accepts_bytearray() -> None:
    cipher = Cipher(RING)
    assert cipher.decrypt(bytearray(cipher.encrypt("张三", ROW)), ROW) == "张三"


@pytest.mark.parametrize(
    "other",
    [
        cipher_context("members_member", "id_cipher", 8),  # another row
        cipher_context("members_member", "phone_cipher", 7),  # another column
        cipher_context("aid_payoutitem", "id_cipher", 7),  # another table
    ],
)
def test_token_moved_elsewhere_does_not_decrypt(other: bytes) -> None:
    cipher = Cipher(RING)
    with pytest.raises(InvalidTag):
        cipher.decrypt(cipher.encrypt(KNOWN_ID, ROW), other)


@pytest.mark.parametrize("position", [0, 1, 2, 4, 15, 16, -1])
def test_tampered_token_raises_invalid_tag(position: int) -> None:
    cipher = Cipher(RING)
    token = bytearray(cipher.encrypt("张三", ROW))
    token[position] ^= 0x01
    with pytest.raises(InvalidTag):
        cipher.decrypt(bytes(token), ROW)


def test_truncated_token_raises_invalid_tag() -> None:
    cipher = Cipher(RING)
    with pytest.raises(InvalidTag):
        cipher.decrypt(cipher.encrypt("张三", ROW)[:20], ROW)


def test_other_key_cannot_decrypt() -> None:
    token = Cipher([("k1", "key-one")]).encrypt("张三", ROW)
    with pytest.raises(InvalidTag):
        Cipher([("k1", "key-two")]).decrypt(token, ROW)


def test_key_not_in_the_ring_cannot_decrypt() -> None:
    token = Cipher([("k2", "key-two")]).encrypt("张三", ROW)
    with pytest.raises(InvalidTag):
        Cipher(RING).decrypt(token, ROW)


def test_older_key_of_the_ring_still_decrypts() -> None:
    old = Cipher(RING).encrypt("张三", ROW)
    assert Cipher([("k2", "newer-key"), *RING]).decrypt(old, ROW) == "张三"


def test_first_key_of_the_ring_encrypts() -> None:
    token = Cipher([("k2", "newer-key"), *RING]).encrypt("张三", ROW)
    assert token_key_id(token) == "k2"


def test_unknown_key_is_looked_up_again() -> None:
    rotated = [("k2", "newer-key"), *RING]
    token = Cipher(rotated).encrypt("张三", ROW)
    assert Cipher(RING, refresh=lambda: rotated).decrypt(token, ROW) == "张三"


def test_legacy_token_reads_with_its_key() -> None:
    token = pii.legacy_encrypt("test-key", "张三")
    assert pii.legacy_decrypt("test-key", token) == "张三"
    with pytest.raises(InvalidTag):
        Cipher(RING).decrypt(token, ROW)


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError):
        Cipher([("k1", "")])


def test_empty_ring_is_refused() -> None:
    with pytest.raises(ValueError):
        Cipher([])


@given(st.lists(st.text(), max_size=20))
def test_encrypt_many_round_trip(values: list[str]) -> None:
    cipher = Cipher(RING)
    rows = [cipher_context("t", "c", n) for n in range(len(values))]
    tokens = cipher.encrypt_many(values, rows)
    assert [cipher.decrypt(t, r) for t, r in zip(tokens, rows, strict=True)] == values


def test_encrypt_many_uses_distinct_nonces() -> None:
    tokens = Cipher(RING).encrypt_many(["same"] * 1000, [ROW] * 1000)
    assert len({token[4:16] for token in tokens}) == 1000


def test_encrypt_many_reads_random_bytes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real_urandom = os.urandom

    def counting_urandom(n: int) -> bytes:
        calls.append(n)
        return real_urandom(n)

    monkeypatch.setattr(pii.os, "urandom", counting_urandom)
    Cipher(RING).encrypt_many(["a", "b", "c"], [ROW] * 3)
    assert calls == [36]


def test_encrypt_many_of_nothing() -> None:
    assert Cipher(RING).encrypt_many([], []) == []


# --- Keyed hashing ---------------------------------------------------------------------


@given(st.text(min_size=1), st.text())
def test_indexer_equals_hmac(key: str, value: str) -> None:
    key_bytes = hashlib.sha256(b"gonghui-index:" + key.encode()).digest()
    expected = hmac.new(key_bytes, value.encode(), "sha256").hexdigest()
    assert Indexer(key).digest(value) == expected


def test_indexer_is_deterministic() -> None:
    assert Indexer("k").digest(KNOWN_ID) == Indexer("k").digest(KNOWN_ID)


def test_indexer_depends_on_key() -> None:
    assert Indexer("k1").digest(KNOWN_ID) != Indexer("k2").digest(KNOWN_ID)


def test_indexer_key_differs_from_cipher_key_for_same_setting() -> None:
    data_key = hashlib.sha256(b"gonghui-data:k").digest()
    assert Indexer("k").digest("x") != hmac.new(data_key, b"x", "sha256").hexdigest()


@given(st.lists(st.text(), max_size=20))
def test_digest_many_equals_digest(values: list[str]) -> None:
    indexer = Indexer("test-key")
    assert indexer.digest_many(values) == [indexer.digest(value) for value in values]


# --- Instances from settings -----------------------------------------------------------


def test_data_cipher_is_cached_per_key() -> None:
    assert data_cipher() is data_cipher()


def test_data_cipher_follows_settings(settings: Settings) -> None:
    settings.GONGHUI_DATA_KEYS = (("k1", "first-key"),)
    token = data_cipher().encrypt("张三", ROW)
    settings.GONGHUI_DATA_KEYS = (("k1", "second-key"),)
    with pytest.raises(InvalidTag):
        data_cipher().decrypt(token, ROW)


def test_data_cipher_uses_the_setting(settings: Settings) -> None:
    settings.GONGHUI_DATA_KEYS = (("k1", "first-key"),)
    assert Cipher([("k1", "first-key")]).decrypt(data_cipher().encrypt("张三", ROW), ROW) == "张三"


def test_id_indexer_is_cached_per_key() -> None:
    assert id_indexer() is id_indexer()


def test_id_indexer_follows_settings(settings: Settings) -> None:
    settings.GONGHUI_INDEX_KEY = "first-key"
    first = id_indexer().digest(KNOWN_ID)
    settings.GONGHUI_INDEX_KEY = "second-key"
    assert id_indexer().digest(KNOWN_ID) == Indexer("second-key").digest(KNOWN_ID) != first
