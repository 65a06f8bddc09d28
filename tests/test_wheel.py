"""The wheel ships frameworks/ and templates/ and runs the demo in a clean venv, offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.integration_support import clean_env, printed_paths

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]


def _offline_prefix() -> list[str]:
    """Run in a new network namespace (no network at all) when the machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    pytest.skip("cannot create a network namespace here (unshare -rn) to prove offline operation")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        env=clean_env(),
    )
    (built,) = dist.glob("riskcards-*.whl")
    return built


def test_wheel_contains_frameworks_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ROOT.glob("frameworks/**/*.yaml"):
        assert f"riskcards/_data/{path.relative_to(ROOT).as_posix()}" in names
    for path in ROOT.glob("templates/*"):
        assert f"riskcards/_data/{path.relative_to(ROOT).as_posix()}" in names


def test_demo_runs_from_the_wheel_in_a_clean_venv_offline(wheel: Path, tmp_path: Path) -> None:
    prefix = _offline_prefix()
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # install the wheel with pip, from the file only ...
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        env=clean_env(),
    )
    # ... and borrow the already-installed dependencies, without riskcards' editable hook
    (purelib / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run(
        [
            *prefix,
            str(python),
            "-c",
            "import riskcards, riskcards.resources as r; print(riskcards.__file__); print(r.frameworks_dir())",
        ],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
        env=clean_env(),
    ).stdout.split()
    assert all(line.startswith(str(purelib)) for line in where), where
    done = subprocess.run(
        [*prefix, str(env_dir / "bin" / "riskcards"), "demo", "--out", str(work / "out")],
        cwd=work,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    paths = printed_paths(done.stdout)
    assert paths["open"].is_file()
    assert (paths["bundle"] / "model-card.pdf").read_bytes().startswith(b"%PDF-")
