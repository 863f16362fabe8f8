"""The module generator: it refuses bad names in Chinese, writes every file of the house style,
and the module it writes installs, migrates and passes its own tests."""

from __future__ import annotations

import os
import py_compile
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from gonghui.core.startmodule import (
    entity_default,
    module_spec,
    module_tidy,
    module_write,
    settings_register,
)

REPO = Path(settings.BASE_DIR)
PACKAGE = "sample_visits"


def spec() -> object:
    return module_spec(PACKAGE, entity="Visit", title="走访记录", package=PACKAGE)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Visits", "模块名“Visits”不合要求"),
        ("class", "模块名“class”不合要求"),
        ("members", "已有名为“members”的应用"),
    ],
)
def test_a_bad_module_name_is_refused_in_chinese(name: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        module_spec(name)


def test_an_unknown_sidebar_area_is_refused_with_the_choices() -> None:
    with pytest.raises(ValidationError, match="没有名为“nowhere”的菜单区域"):
        module_spec("visits", area="nowhere")


def test_the_entity_defaults_to_the_singular_of_the_name() -> None:
    assert [entity_default(n) for n in ("visits", "job_fairs", "bus")] == [
        "Visit",
        "JobFair",
        "Bus",
    ]


def test_the_generator_writes_every_part_of_a_module(tmp_path: Path) -> None:
    written = module_write(spec(), tmp_path / PACKAGE)  # type: ignore[arg-type]
    names = {p.relative_to(tmp_path / PACKAGE).as_posix() for p in written}
    assert names >= {
        "apps.py",
        "models.py",
        "migrations/0001_initial.py",
        "selectors.py",
        "permissions.py",
        "services.py",
        "forms.py",
        "views.py",
        "urls.py",
        "nav.py",
        "api.py",
        "indicators.py",
        "sheets.py",
        "templates/sample_visits/list.html",
        "tests/factories.py",
        "tests/test_sample_visits.py",
    }
    for path in written:
        assert "%%" not in path.read_text(encoding="utf-8"), path
        if path.suffix == ".py":
            py_compile.compile(str(path), doraise=True)


def test_the_generator_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / PACKAGE).mkdir()
    with pytest.raises(ValidationError, match="已存在"):
        module_write(spec(), tmp_path / PACKAGE)  # type: ignore[arg-type]


def test_the_module_is_installed_above_the_reports(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.py"
    settings_file.write_text((REPO / "config" / "settings.py").read_text(encoding="utf-8"))
    assert settings_register(spec(), settings_file) is True  # type: ignore[arg-type]
    assert settings_register(spec(), settings_file) is False  # type: ignore[arg-type]
    text = settings_file.read_text(encoding="utf-8")
    assert '    "sample_visits",\n    "gonghui.reports",\n' in text


SAMPLE_SETTINGS = """
from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS]  # noqa: F405
INSTALLED_APPS.insert(INSTALLED_APPS.index("gonghui.reports"), "sample_visits")
# Its own test database: the suite running this test holds the usual one.
DATABASES["default"]["TEST"] = {"NAME": "test_gonghui_startmodule"}  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {}  # noqa: F405
"""


# Inside gonghui/ the suite's conftest applies to a module's tests; outside it, this one
# brings its fixtures (the named world, client_as, the autouse ones).
SAMPLE_CONFTEST = """
import gonghui.conftest as suite

globals().update({k: v for k, v in vars(suite).items() if not k.startswith("__")})
"""


def test_a_generated_module_is_lint_clean(tmp_path: Path) -> None:
    dest = tmp_path / PACKAGE
    module_write(spec(), dest)  # type: ignore[arg-type]
    assert module_tidy(dest) is True
    for args in (["check"], ["format", "--check"]):
        lint = subprocess.run(
            [sys.executable, "-m", "ruff", *args, str(dest)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert lint.returncode == 0, lint.stdout + lint.stderr


def test_a_generated_module_passes_its_own_tests(tmp_path: Path) -> None:
    module_write(spec(), tmp_path / PACKAGE)  # type: ignore[arg-type]
    module_tidy(tmp_path / PACKAGE)
    (tmp_path / "sample_settings.py").write_text(SAMPLE_SETTINGS, encoding="utf-8")
    (tmp_path / PACKAGE / "tests" / "conftest.py").write_text(SAMPLE_CONFTEST, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)]),
        "DJANGO_SETTINGS_MODULE": "sample_settings",
        "GONGHUI_TESTING": "1",
    }
    check = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", PACKAGE, "--check", "--dry-run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-c",
            str(REPO / "pyproject.toml"),
            "--rootdir",
            str(REPO),
            "--ds",
            "sample_settings",
            "--create-db",
            str(tmp_path / PACKAGE / "tests"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "11 passed" in run.stdout.splitlines()[-1], run.stdout[-2000:]
