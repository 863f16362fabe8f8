"""Rotating the data keys: every encrypted column re-encrypted under the current key.

``gonghui rotate-keys`` adds a key to the key file (current from then on) and re-seals every
token of every ``CipherField`` that is under another key, in batches that commit one by one,
so a rotation of a city's million members can stop and start again. Processes started before
the rotation read the new key from the file when they first meet it, but keep writing under
the old one until restarted: ``rotate-keys --retire`` after the restart re-seals those too and
removes from the file the keys no token uses any more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.db import models, transaction

from gonghui.core import pii
from gonghui.core.actors import SERVER
from gonghui.core.bulk import fast_update
from gonghui.core.fields import cipher_fields

BATCH = 2000


class KeyRotationError(Exception):
    """A rotation refused or stopped, with a Chinese reason."""


def column_reseal(
    model: type[models.Model],
    field_name: str,
    *,
    cipher: pii.Cipher,
    read: Callable[[object, bytes], str] | None = None,
    keep: Callable[[bytes], bool] | None = None,
) -> int:
    """Re-encrypt the tokens of one column under ``cipher``'s current key; returns how many.

    ``keep(token)`` says a token needs nothing (default: it is under the current key);
    ``read(pk, token)`` gives its plaintext (default: ``cipher`` with the row's context).
    Works on historical models too, so a migration can use it. Each batch commits alone.
    """
    model_field = model._meta.get_field(field_name)
    table, column = model._meta.db_table, model_field.column  # type: ignore[union-attr]
    current = cipher.current_key_id

    def context(pk: object) -> bytes:
        return pii.cipher_context(table, str(column), pk)

    if keep is None:

        def keep(token: bytes) -> bool:
            return pii.token_key_id(token) == current

    if read is None:

        def read(pk: object, token: bytes) -> str:
            return cipher.decrypt(token, context(pk))

    done = 0
    last: object = None
    rows = model._default_manager.exclude(**{f"{field_name}__isnull": True}).order_by("pk")
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        batch = list(page.values_list("pk", field_name)[:BATCH])
        if not batch:
            return done
        last = batch[-1][0]
        pks, plaintexts = [], []
        for pk, token in batch:
            data = bytes(token)
            if keep(data):
                continue
            try:
                plaintexts.append(read(pk, data))
            except InvalidTag as exc:
                raise KeyRotationError(
                    f"{table}.{column} 第 {pk} 行的密文无法用现有密钥解密（密钥缺失或数据已损坏），"
                    "已停止；已处理的批次保持不变。"
                ) from exc
            pks.append(pk)
        if pks:
            tokens = cipher.encrypt_many(plaintexts, [context(pk) for pk in pks])
            with transaction.atomic():
                fast_update(model, [field_name], list(zip(pks, tokens, strict=True)))
            done += len(pks)


def keys_reseal(say: Callable[[str], None] = print) -> dict[str, int]:
    """Every encrypted column under the current data key: how many values each re-sealed."""
    cipher = pii.data_cipher()
    resealed: dict[str, int] = {}
    for cipher_field in cipher_fields():
        model = cipher_field.model
        label = f"{model._meta.db_table}.{cipher_field.column}"
        resealed[label] = column_reseal(model, cipher_field.name, cipher=cipher)
        say(f"{label}：重新加密 {resealed[label]} 个值")
    return resealed


def keys_in_use() -> Counter[str]:
    """How many tokens each key id holds, over every encrypted column."""
    usage: Counter[str] = Counter()
    for cipher_field in cipher_fields():
        values = (
            cipher_field.model._default_manager.exclude(**{f"{cipher_field.name}__isnull": True})
            .values_list(cipher_field.name, flat=True)
            .iterator(chunk_size=BATCH)
        )
        for token in values:
            usage[pii.token_key_id(bytes(token)) or "?"] += 1
    return usage


def keys_rotate(
    *, new_key: bool, retire: bool, say: Callable[[str], None] = print
) -> dict[str, int]:
    """Add a key (when the keys are in the key file and ``new_key``), re-seal everything under
    the current key and, with ``retire``, drop the keys no token uses any more."""
    from gonghui.core import keyfile
    from gonghui.core.audit import audit_record

    from_file = not settings.GONGHUI_DATA_KEYS_FROM_ENV
    path = settings.GONGHUI_KEY_FILE
    if new_key and from_file:
        key_id = keyfile.file_data_key_add(path)
        say(f"已在 {path} 中加入新密钥 {key_id}，此后用它加密。")
    elif new_key:
        say(
            "数据密钥来自环境变量 GONGHUI_DATA_KEYS：请把新密钥写在最前面后重启各服务，"
            "本命令只把数据重新加密到当前（最前面的）密钥。"
        )
    if from_file:
        # This process read the file before the new key was added.
        settings.GONGHUI_DATA_KEYS = keyfile.file_data_keys(path)
    current = pii.data_cipher().current_key_id
    resealed = keys_reseal(say)
    usage = keys_in_use()
    unused = [k for k in pii.data_cipher().key_ids if k != current and not usage[k]]
    counts = "，".join(f"{k} {n}" for k, n in sorted(usage.items()))
    say(f"各密钥下的密文数：{counts or '无'}")
    if retire and unused:
        if from_file:
            kept = keyfile.file_data_keys_retire(path, set(unused))
            settings.GONGHUI_DATA_KEYS = keyfile.file_data_keys(path)
            say(
                f"已从 {path} 中移出不再使用的密钥：{'、'.join(unused)}，另存于 {kept}。"
                "此前的备份恢复时仍需这些密钥：请把该文件离线保管在备份之外，然后从服务器上删除。"
            )
        else:
            say(f"以下密钥已不再使用，可从 GONGHUI_DATA_KEYS 中删除：{'、'.join(unused)}。")
    elif unused:
        say(
            f"密钥 {'、'.join(unused)} 已无密文使用。重启各服务后运行 "
            "gonghui rotate-keys --retire 把它们删除。"
        )
    audit_record(
        actor=SERVER,
        action="keys.rotate",
        summary=(
            f"数据密钥轮换：当前密钥 {current}，重新加密 {sum(resealed.values())} 个值"
            + (f"，删除密钥 {'、'.join(unused)}" if retire and unused else "")
        ),
    )
    return resealed


def legacy_tokens_reseal(model: type[models.Model], field_names: list[str]) -> int:
    """For the migrations that introduced the keyed format: every token of these columns
    re-sealed to its row under the current key. Tokens of the first format (no key id, no
    context) are read with each configured key in turn; tokens already in the new format
    (a migration run again over part of the rows) are read as such."""
    cipher = pii.data_cipher()
    secrets = [secret for _, secret in settings.GONGHUI_DATA_KEYS]
    table = model._meta.db_table
    total = 0
    for name in field_names:
        column = str(model._meta.get_field(name).column)  # type: ignore[union-attr]

        def read(pk: object, token: bytes, column: str = column) -> str:
            try:
                return cipher.decrypt(token, pii.cipher_context(table, column, pk))
            except InvalidTag:
                pass
            for secret in secrets:
                try:
                    return pii.legacy_decrypt(secret, token)
                except InvalidTag:
                    continue
            raise InvalidTag()

        total += column_reseal(model, name, cipher=cipher, read=read, keep=lambda _t: False)
    return total


def tokens_unseal_to_legacy(model: type[models.Model], field_names: list[str]) -> None:
    """The reverse of legacy_tokens_reseal, for migrating back to the code before it."""
    cipher = pii.data_cipher()
    secret = settings.GONGHUI_DATA_KEYS[0][1]
    table = model._meta.db_table
    for name in field_names:
        column = str(model._meta.get_field(name).column)  # type: ignore[union-attr]
        rows = model._default_manager.exclude(**{f"{name}__isnull": True})
        changes = [
            (
                pk,
                pii.legacy_encrypt(
                    secret, cipher.decrypt(token, pii.cipher_context(table, column, pk))
                ),
            )
            for pk, token in rows.values_list("pk", name).iterator(chunk_size=BATCH)
        ]
        with transaction.atomic():
            fast_update(model, [name], changes)
