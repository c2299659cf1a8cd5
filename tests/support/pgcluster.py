"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb + pg_ctl in a temp dir.

Runs the server as the ``postgres`` user when we are root (initdb refuses root), on 127.0.0.1 and
a free port, with password authentication over TCP so that wrong-password cases are real.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_pg_bin() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(candidate, "initdb"), os.X_OK):
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    host: str
    port: int
    user: str
    password: str
    datadir: Path | None = None
    _pg_bin: Path | None = None
    _run_as: str | None = None

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{self.user}:{self.password}@{self.host}:{self.port}/{database}"

    def admin_connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               dbname=database, autocommit=True, connect_timeout=10)

    def create_database(self, name: str) -> str:
        with self.admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.datadir is None:
            return
        _run([str(self._pg_bin / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"],
             self._run_as, check=False)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)
        self.datadir = None


def _run(cmd: list[str], run_as: str | None, check: bool = True) -> subprocess.CompletedProcess:
    if run_as:
        cmd = ["setpriv", f"--reuid={run_as}", f"--regid={run_as}", "--clear-groups", *cmd]
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)


def start_cluster() -> Cluster:
    """initdb + start a server; the caller must call ``stop()``."""
    pg_bin = find_pg_bin()
    if pg_bin is None:
        raise RuntimeError("PostgreSQL server binaries not found: install Debian's 'postgresql'")
    run_as = None
    base = Path(tempfile.mkdtemp(prefix="infractl-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        try:
            entry = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no 'postgres' user to run the server") from None
        run_as = str(entry.pw_uid)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    password = secrets.token_urlsafe(16)
    pwfile = base / "pwfile"
    pwfile.write_text(password + "\n")
    if run_as:
        os.chown(pwfile, int(run_as), pwd.getpwuid(int(run_as)).pw_gid)
    datadir = base / "data"
    _run([str(pg_bin / "initdb"), "-D", str(datadir), "-U", "postgres", "--auth-local=trust",
          "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
         run_as)
    port = free_port()
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
    _run([str(pg_bin / "pg_ctl"), "-D", str(datadir), "-o", options, "-l", str(base / "log"), "-w", "-t", "60",
          "start"], run_as)
    return Cluster("127.0.0.1", port, "postgres", password, datadir, pg_bin, run_as)


def cluster_from_url(url: str) -> Cluster:
    """Wrap an existing server given as a URL (its user must be allowed to CREATE DATABASE)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return Cluster(parsed.host or "127.0.0.1", parsed.port or 5432, parsed.username or "postgres",
                   parsed.password or "")
