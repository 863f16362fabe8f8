"""The module generator: ``uv run gonghui startmodule NAME`` (``make app NAME=…``) writes a
working module in the house style (docs/architecture.md, "Adding a module").

It copies ``module_template/`` with its ``%%TOKEN%%`` marks replaced: a scoped model and its
migration, an audited service, selectors with ``access_<entity>``, permissions, a form, thin
views, urls and templates, a sidebar entry, an API router, one indicator in its own report
section, one sheet, and tests (factories, a page test with a query-count ceiling) that pass
as generated. Into the project (the default), it also adds the module to ``INSTALLED_APPS``.
"""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader

from gonghui.core.navigation import AREA_SLUGS

TEMPLATE = Path(__file__).resolve().parent / "module_template"
SUFFIX = ".tpl"
NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
ENTITY = re.compile(r"^[A-Z][A-Za-z0-9]{1,40}$")
# Where a new module goes in INSTALLED_APPS: below the reports, which read every module.
SETTINGS_ANCHOR = '    "gonghui.reports",\n'


@dataclass(frozen=True)
class ModuleSpec:
    name: str  # the app label and the URL prefix: visits
    entity: str  # the model's class name: Visit
    title: str  # what the pages call it: 走访记录
    area: str  # the sidebar area: activities
    package: str  # gonghui.visits

    @property
    def tokens(self) -> dict[str, str]:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", self.entity).lower()
        return {
            "package": self.package,
            "app": self.name,
            "Entity": self.entity,
            "entity": snake,
            "title": self.title,
            "area": self.area,
            "Config": "".join(part.title() for part in self.name.split("_")) + "Config",
            "orgs_migration": _latest_migration("orgs"),
        }


def _latest_migration(app_label: str) -> str:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes(app_label)
    return leaves[0][1]


def entity_default(name: str) -> str:
    """visits → Visit, job_fairs → JobFair: the name's last word in the singular."""
    words = name.split("_")
    last = words[-1][:-1] if words[-1].endswith("s") and len(words[-1]) > 3 else words[-1]
    return "".join(w.title() for w in [*words[:-1], last])


def module_spec(
    name: str,
    *,
    entity: str = "",
    title: str = "",
    area: str = "activities",
    package: str = "",
) -> ModuleSpec:
    """The module to write, checked: a new lowercase name, a class name, a sidebar area."""
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ValidationError(
            f"模块名“{name}”不合要求：须以小写字母开头，只含小写字母、数字和下划线，2～31个字符。"
        )
    if any(config.label == name for config in apps.get_app_configs()):
        raise ValidationError(f"已有名为“{name}”的应用。")
    entity = entity or entity_default(name)
    if not ENTITY.match(entity):
        raise ValidationError(f"模型类名“{entity}”不合要求：须以大写字母开头，只含字母和数字。")
    if area not in AREA_SLUGS:
        raise ValidationError(
            f"没有名为“{area}”的菜单区域，可选：{'、'.join(sorted(AREA_SLUGS))}。"
        )
    return ModuleSpec(
        name=name,
        entity=entity,
        title=title.strip() or "记录",
        area=area,
        package=package or f"gonghui.{name}",
    )


def _render(text: str, tokens: dict[str, str]) -> str:
    for token, value in tokens.items():
        text = text.replace(f"%%{token}%%", value)
    left = re.search(r"%%\w+%%", text)
    if left:
        raise ValueError(f"unknown token {left.group(0)} in the module template")
    return text


def _target(relative: Path, spec: ModuleSpec, tokens: dict[str, str]) -> Path:
    parts = list(relative.parts)
    parts[-1] = parts[-1].removesuffix(SUFFIX)
    if parts[0] == "templates":
        # Django finds an app's templates under templates/<app>/.
        parts.insert(1, spec.name)
    return Path(*[_render(part, tokens) for part in parts])


def module_write(spec: ModuleSpec, dest: Path) -> list[Path]:
    """Write the module into ``dest`` (which must not exist); the files written."""
    if dest.exists():
        raise ValidationError(f"目录 {dest} 已存在，不会覆盖。")
    tokens = spec.tokens
    written = []
    for source in sorted(TEMPLATE.rglob(f"*{SUFFIX}")):
        target = dest / _target(source.relative_to(TEMPLATE), spec, tokens)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_render(source.read_text(encoding="utf-8"), tokens), encoding="utf-8")
        written.append(target)
    return written


def module_tidy(dest: Path) -> bool:
    """Sort the imports and wrap the lines of the written module as ruff does for the rest of
    the project (names of any length make lines of any length); False where ruff, a
    development tool, is not installed."""
    for args in (["check", "--fix-only", "--quiet"], ["format", "--quiet"]):
        try:
            done = subprocess.run(
                [sys.executable, "-m", "ruff", *args, str(dest)],
                cwd=settings.BASE_DIR,
                capture_output=True,
                timeout=120,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        if done.returncode != 0:
            return False
    return True


def settings_register(spec: ModuleSpec, settings_file: Path) -> bool:
    """Add the module to INSTALLED_APPS, above the reports; False if it was there already."""
    text = settings_file.read_text(encoding="utf-8")
    line = f'    "{spec.package}",\n'
    if line in text:
        return False
    if SETTINGS_ANCHOR not in text:
        raise ValidationError(
            f"在 {settings_file} 中找不到 INSTALLED_APPS 的 gonghui.reports 一行。"
        )
    settings_file.write_text(text.replace(SETTINGS_ANCHOR, line + SETTINGS_ANCHOR, 1), "utf-8")
    return True


def project_paths(spec: ModuleSpec) -> tuple[Path, Path]:
    """Where a module of the project goes, and the settings file that installs it."""
    root = Path(settings.BASE_DIR)
    return root / "gonghui" / spec.name, root / "config" / "settings.py"
