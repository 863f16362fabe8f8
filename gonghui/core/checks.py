"""System checks of the keys: `gonghui check`, runserver and migrate run them."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from gonghui.core.keyfile import key_file_mode_problem


@register(Tags.security, deploy=True)
def secrets_from_environment(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.DEBUG or settings.GONGHUI_SECRETS_FROM_ENV:
        return []
    return [
        Warning(
            "SECRET_KEY, GONGHUI_DATA_KEYS (or GONGHUI_DATA_KEY) or GONGHUI_INDEX_KEY is not set "
            f"in the environment and was read from the key file {settings.GONGHUI_KEY_FILE}.",
            hint="Set all three in the environment of every app server and task worker; "
            "they must be identical everywhere and kept outside the repository.",
            id="gonghui.W001",
        )
    ]


def _database_folders() -> list[Path]:
    folders = [Path(settings.VAR_DIR).resolve()]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        folders.append(Path(database["NAME"]).resolve().parent)
    return folders


@register(Tags.security)
def key_file_safe(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The key file readable by its owner only, and not kept with the data it opens."""
    path = Path(settings.GONGHUI_KEY_FILE)
    if settings.GONGHUI_SECRETS_FROM_ENV or not path.exists():
        return []
    messages: list[CheckMessage] = []
    problem = key_file_mode_problem(path)
    if problem is not None:
        messages.append(Error(problem, id="gonghui.E001"))
    key = path.resolve()
    for folder in _database_folders():
        if key.is_relative_to(folder):
            messages.append(
                Warning(
                    f"密钥文件 {path} 位于数据目录 {folder} 中：复制或备份该目录的人也就拿到了密钥。",
                    hint="把 GONGHUI_KEY_FILE 设到数据目录之外（默认 ~/.config/gonghui/keys.json）。",
                    id="gonghui.W002",
                )
            )
    return messages
