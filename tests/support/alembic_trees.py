"""Real third-party Alembic trees from PyPI, prepared once into the machine-wide test cache
(``support.cache``: ~/.cache/infractl-tests/alembic-trees, or under INFRACTL_TEST_CACHE).

``prepare_tree(name)`` downloads the package's wheel (``pip download --no-deps``, pinned), extracts its
revisions and the few modules they import, and writes a small generic ``env.py`` and ``alembic.ini``
next to them, so that ``alembic -c TREE/alembic.ini upgrade heads`` (or ``infractl verify-db
--migrations TREE/versions --replay``) runs the revisions exactly as shipped. The database URL comes
from ``-x url=...``, else ``DATABASE_URL``, else ``sqlalchemy.url`` in the ini.

``TreeUnavailable`` means the package index could not be reached (tests skip with that message); any
other failure is an error. Used by the tests and by the benchmarks.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from support.cache import cache_dir

CACHE = cache_dir("alembic-trees")

ENV_PY = '''"""Generic env.py (infractl tests): run the revisions online against one URL."""
import os

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

config = context.config
url = (context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("DATABASE_URL")
       or config.get_main_option("sqlalchemy.url"))
if url.startswith(("postgres://", "postgresql://")):
    url = "postgresql+psycopg://" + url.split("://", 1)[1]
engine = create_engine(url, poolclass=NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
'''

ALEMBIC_INI = """[alembic]
script_location = %(here)s
version_locations = %(here)s/versions
prepend_sys_path = %(here)s/pkgs
path_separator = os
sqlalchemy.url = postgresql+psycopg://localhost/unset
"""


@dataclass(frozen=True)
class TreeSpec:
    package: str
    version: str
    versions: str  # the revisions' directory inside the wheel
    modules: tuple[str, ...] = ()  # modules the revisions import, copied as they are into pkgs/
    empty_packages: tuple[str, ...] = ()  # parents of those modules, created empty (the real ones import the app)
    why: str = ""
    options: dict[str, str] = field(default_factory=dict)


TREES = {
    "ckan": TreeSpec(
        package="ckan", version="2.12.0", versions="ckan/migration/versions",
        # 87 revisions call ckan.migration.skip_based_on_legacy_engine_version, which imports only typing
        modules=("ckan/migration/__init__.py",), empty_packages=("ckan",),
        why="CKAN's core schema: 109 revisions, PostgreSQL only, mostly naive timestamps without defaults"),
    "argilla": TreeSpec(
        package="argilla-server", version="2.8.0", versions="argilla_server/alembic/versions",
        why="Argilla's server: 24 revisions importing only alembic and SQLAlchemy; inserted_at / updated_at"),
}


class TreeUnavailable(Exception):
    """The package index cannot be reached: the wheel is not cached and cannot be downloaded."""


@dataclass(frozen=True)
class Tree:
    name: str
    root: Path  # holds alembic.ini, env.py, versions/, pkgs/
    spec: TreeSpec

    @property
    def versions(self) -> Path:
        return self.root / "versions"

    @property
    def ini(self) -> Path:
        return self.root / "alembic.ini"

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.root / "pkgs",)

    def revision_count(self) -> int:
        return sum(1 for p in self.versions.glob("*.py") if p.name != "__init__.py")


def prepare_tree(name: str) -> Tree:
    spec = TREES[name]
    root = CACHE / f"{spec.package}-{spec.version}"
    if not (root / "alembic.ini").is_file():
        wheel = _download(spec)
        staging = root.with_name(root.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        _extract(wheel, spec, staging)
        shutil.rmtree(root, ignore_errors=True)
        staging.rename(root)  # complete or absent: an interrupted run never leaves half a tree
    return Tree(name, root, spec)


def _download(spec: TreeSpec) -> Path:
    downloads = CACHE / "downloads"
    pattern = f"{spec.package.replace('-', '_')}-{spec.version}-*.whl"
    found = sorted(downloads.glob(pattern))
    if found:
        return found[0]
    downloads.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(  # noqa: PLW1510 (the return code is checked below)
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
         "-q", "-d", str(downloads), f"{spec.package}=={spec.version}"],
        capture_output=True, text=True, timeout=600)
    found = sorted(downloads.glob(pattern))
    if result.returncode != 0 or not found:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise TreeUnavailable(f"cannot download {spec.package}=={spec.version} from the package index: {last}")
    return found[0]


def _extract(wheel: Path, spec: TreeSpec, target: Path) -> None:
    prefix = spec.versions.rstrip("/") + "/"
    (target / "versions").mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith(prefix) and member.endswith(".py") and "/" not in member[len(prefix):]:
                (target / "versions" / member[len(prefix):]).write_bytes(archive.read(member))
            elif member in spec.modules:
                destination = target / "pkgs" / member
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(member))
    for package in spec.empty_packages:
        init = target / "pkgs" / package / "__init__.py"
        init.parent.mkdir(parents=True, exist_ok=True)
        if not init.exists():
            init.write_text("", encoding="utf-8")
    (target / "env.py").write_text(ENV_PY, encoding="utf-8")
    (target / "alembic.ini").write_text(ALEMBIC_INI, encoding="utf-8")
