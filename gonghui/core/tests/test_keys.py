"""The key file, the keyring, row-sealed tokens and `gonghui rotate-keys`."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from pytest_django.fixtures import Settings

from gonghui.aid.models import MutualAidClaim
from gonghui.aid.tests.factories import ApprovedClaimFactory
from gonghui.core import pii
from gonghui.core.bulk import ids_reserve
from gonghui.core.checks import key_file_safe
from gonghui.core.fields import cipher_fields, cipher_get
from gonghui.core.keyfile import (
    KeyFileError,
    data_keys_parse,
    file_data_keys,
    key_file_read,
    keys_load,
)
from gonghui.core.keys import keys_in_use, legacy_tokens_reseal
from gonghui.core.models import AuditEvent
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory, id_number_for

ID_NUMBER = id_number_for(4242)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- The key file ----------------------------------------------------------------------


def test_key_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "config" / "gonghui" / "keys.json"
    keys = keys_load({}, path=path)
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)
    assert keys.data_keys == tuple(file_data_keys(path))
    assert [k for k, _ in keys.data_keys] == ["k1"]


def test_key_file_gives_the_same_keys_on_every_start(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    assert keys_load({}, path=path) == keys_load({}, path=path)


def test_older_secrets_beside_the_database_move_into_the_key_file(tmp_path: Path) -> None:
    legacy = tmp_path / "var" / "secrets.json"
    legacy.parent.mkdir()
    legacy.write_text(
        json.dumps({"SECRET_KEY": "s", "GONGHUI_DATA_KEY": "d", "GONGHUI_INDEX_KEY": "i"})
    )
    keys = keys_load({}, path=tmp_path / "keys.json", legacy=legacy)
    assert (keys.secret_key, keys.index_key, keys.data_keys) == ("s", "i", (("k1", "d"),))
    assert not legacy.exists()


def test_two_different_sets_of_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    keys_load({}, path=path)
    legacy = tmp_path / "secrets.json"
    legacy.write_text(
        json.dumps({"SECRET_KEY": "s", "GONGHUI_DATA_KEY": "d", "GONGHUI_INDEX_KEY": "i"})
    )
    with pytest.raises(KeyFileError, match="发现两套密钥"):
        keys_load({}, path=path, legacy=legacy)
    assert legacy.exists()


def test_environment_keys_need_no_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    env = {"SECRET_KEY": "s", "GONGHUI_DATA_KEYS": "k2:new,k1:old", "GONGHUI_INDEX_KEY": "i"}
    keys = keys_load(env, path=path)
    assert keys.data_keys == (("k2", "new"), ("k1", "old"))
    assert keys.all_from_env and keys.data_keys_from_env
    assert not path.exists()


def test_one_environment_key_is_k1_unless_named(tmp_path: Path) -> None:
    env = {"SECRET_KEY": "s", "GONGHUI_DATA_KEY": "d", "GONGHUI_INDEX_KEY": "i"}
    assert keys_load(env, path=tmp_path / "k.json").data_keys == (("k1", "d"),)
    env["GONGHUI_DATA_KEY_ID"] = "2026a"
    assert keys_load(env, path=tmp_path / "k.json").data_keys == (("2026a", "d"),)


def test_a_secret_may_contain_a_colon() -> None:
    assert data_keys_parse("k1:a:b") == (("k1", "a:b"),)


@pytest.mark.parametrize("value", ["nokeyid", "k1:", "k 1:x", "k1:a,k1:b"])
def test_malformed_environment_keyring_is_refused(value: str) -> None:
    with pytest.raises(KeyFileError):
        data_keys_parse(value)


def test_world_readable_key_file_fails_the_check(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "keys.json"
    keys_load({}, path=path)
    path.chmod(0o644)
    settings.GONGHUI_KEY_FILE = path
    settings.GONGHUI_SECRETS_FROM_ENV = False
    assert [m.id for m in key_file_safe(None)] == ["gonghui.E001"]


def test_key_file_inside_the_data_folder_is_warned(tmp_path: Path, settings: Settings) -> None:
    settings.VAR_DIR = tmp_path / "var"
    path = tmp_path / "var" / "keys.json"
    keys_load({}, path=path)
    settings.GONGHUI_KEY_FILE = path
    settings.GONGHUI_SECRETS_FROM_ENV = False
    assert [m.id for m in key_file_safe(None)] == ["gonghui.W002"]


def test_default_key_file_is_outside_the_project(settings: Settings) -> None:
    key = Path(settings.GONGHUI_KEY_FILE).resolve()
    assert not key.is_relative_to(Path(settings.BASE_DIR).resolve())


# --- Row-sealed columns ----------------------------------------------------------------


def test_every_encrypted_column_is_declared() -> None:
    assert sorted(f"{f.model._meta.db_table}.{f.column}" for f in cipher_fields()) == [
        "aid_mutualaidclaim.account_cipher",
        "aid_payoutitem.account_cipher",
        "aid_reliefapplication.account_cipher",
        "care_counselingsession.notes_cipher",
        "care_hardshipaid.account_cipher",
        "members_member.id_cipher",
        "members_member.phone_cipher",
        "members_worker.id_cipher",
        "members_worker.phone_cipher",
        "portal_workeraccount.id_cipher",
        "portal_workeraccount.phone_cipher",
        "skills_honourallowance.account_cipher",
        "skills_talent.id_cipher",
    ]


@pytest.mark.django_db
def test_a_token_copied_to_another_member_does_not_open() -> None:
    first, second = MemberFactory.create(), MemberFactory.create()
    Member.objects.filter(pk=second.pk).update(id_cipher=first.id_cipher)
    second.refresh_from_db()
    with pytest.raises(InvalidTag):
        cipher_get(second, "id_cipher")


@pytest.mark.django_db
def test_a_token_copied_to_another_column_does_not_open() -> None:
    member = MemberFactory.create()
    Member.objects.filter(pk=member.pk).update(phone_cipher=member.id_cipher)
    member.refresh_from_db()
    with pytest.raises(InvalidTag):
        cipher_get(member, "phone_cipher")


@pytest.mark.django_db
def test_reserved_keys_are_new_and_never_handed_out_again() -> None:
    before = MemberFactory.create()
    reserved = ids_reserve(Member, 3)
    # id=None: the database's own AUTOINCREMENT or sequence gives the key.
    after = MemberFactory.create(id=None)
    assert len(set(reserved)) == 3
    assert before.pk < min(reserved)
    assert after.pk > max(reserved)


@pytest.mark.django_db
def test_reserving_on_an_empty_table_starts_after_nothing() -> None:
    assert MutualAidClaim.objects.count() == 0
    first = ids_reserve(MutualAidClaim, 2)
    assert first[1] == first[0] + 1
    assert ids_reserve(MutualAidClaim, 1)[0] > first[1]


@pytest.mark.django_db
def test_first_format_tokens_are_sealed_by_the_migration(settings: Settings) -> None:
    member = MemberFactory.create(id_number=ID_NUMBER, phone="13800138000")
    secret = settings.GONGHUI_DATA_KEYS[0][1]
    Member.objects.filter(pk=member.pk).update(
        id_cipher=pii.legacy_encrypt(secret, ID_NUMBER),
        phone_cipher=pii.legacy_encrypt(secret, "13800138000"),
    )
    assert legacy_tokens_reseal(Member, ["id_cipher", "phone_cipher"]) == 2
    member.refresh_from_db()
    assert (cipher_get(member, "id_cipher"), cipher_get(member, "phone_cipher")) == (
        ID_NUMBER,
        "13800138000",
    )


# --- Rotation --------------------------------------------------------------------------


@pytest.fixture
def key_file(tmp_path: Path, settings: Settings) -> Path:
    """This process's keys in a key file of the test's own."""
    path = tmp_path / "keys.json"
    keys = keys_load({}, path=path)
    settings.GONGHUI_KEY_FILE = path
    settings.GONGHUI_DATA_KEYS = keys.data_keys
    settings.GONGHUI_DATA_KEYS_FROM_ENV = False
    return path


@pytest.mark.django_db
def test_rotation_seals_every_value_under_a_new_key(key_file: Path) -> None:
    member = MemberFactory.create(id_number=ID_NUMBER, phone="13800138000")
    claim = ApprovedClaimFactory.create(member=member, account="6228480000001234567")
    call_command("rotate_keys", stdout=io.StringIO())
    assert [e["id"] for e in key_file_read(key_file)["data_keys"]] == ["k2", "k1"]
    assert set(keys_in_use()) == {"k2"}
    member.refresh_from_db()
    claim.refresh_from_db()
    assert cipher_get(member, "id_cipher") == ID_NUMBER
    assert cipher_get(claim, "account_cipher") == "6228480000001234567"
    assert AuditEvent.objects.filter(action="keys.rotate").count() == 1


@pytest.mark.django_db
def test_retiring_moves_unused_keys_out_of_the_key_file(key_file: Path) -> None:
    member = MemberFactory.create(id_number=ID_NUMBER)
    call_command("rotate_keys", stdout=io.StringIO())
    old_secret = dict(file_data_keys(key_file))["k1"]
    call_command("rotate_keys", "--retire", stdout=io.StringIO())
    assert [k for k, _ in file_data_keys(key_file)] == ["k2"]
    (kept,) = key_file.parent.glob("keys-retired-*.json")
    assert mode(kept) == 0o600
    assert json.loads(kept.read_text())["retired_data_keys"][0]["key"] == old_secret
    member.refresh_from_db()
    assert cipher_get(member, "id_cipher") == ID_NUMBER


@pytest.mark.django_db
def test_retiring_first_reseals_what_a_stale_process_wrote(key_file: Path) -> None:
    MemberFactory.create(id_number=ID_NUMBER)
    call_command("rotate_keys", stdout=io.StringIO())
    # A process started before the rotation still writes under k1 until it restarts.
    stale = pii.Cipher([("k1", dict(file_data_keys(key_file))["k1"])])
    late = MemberFactory.create()
    Member.objects.filter(pk=late.pk).update(
        id_cipher=stale.encrypt("x", pii.cipher_context("members_member", "id_cipher", late.pk))
    )
    call_command("rotate_keys", "--retire", stdout=io.StringIO())
    # --retire re-seals the straggler first; only then is k1 unused, and it goes.
    assert set(keys_in_use()) == {"k2"}
    assert [k for k, _ in file_data_keys(key_file)] == ["k2"]


@pytest.mark.django_db
def test_a_process_started_before_the_rotation_reads_the_new_key(key_file: Path) -> None:
    member = MemberFactory.create(id_number=ID_NUMBER)
    before = pii.data_cipher()
    call_command("rotate_keys", stdout=io.StringIO())
    member.refresh_from_db()
    context = pii.cipher_context("members_member", "id_cipher", member.pk)
    assert before.decrypt(member.id_cipher, context) == ID_NUMBER
