"""Scratch PostgreSQL for ``verify-db --replay``: a throwaway local cluster, or a new database on a server.

The cluster: ``initdb`` + ``pg_ctl`` (found on PATH or under /usr/lib/postgresql/*/bin) in a fresh temp
directory, listening on 127.0.0.1 and a free port with password (scram) authentication, and on a unix
socket in the same directory with trust for its owner. initdb refuses root, so as root the server runs
as the ``postgres`` user (else ``nobody``) through setpriv. ``stop()`` stops it and deletes the directory.

The directory holds an ``owner`` file with the pid of the infractl that made it: a run that was
SIGKILLed (nothing of its own can clean up) leaves a server and its directory, which the next
``start_cluster`` removes when that pid is dead (``remove_abandoned``). A kept cluster (--keep) has no
such file: it is the user's.

The tests and benchmarks use the same code (tests/support/pgcluster.py wraps it).
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from infractl.errors import InfractlError
from infractl.process import tools
from infractl.process.guard import uninterrupted
from infractl.sanitise.masking import mask_text, remember_secrets

SCRATCH_PREFIX = "infractl_scratch_"
CLUSTER_PREFIX = "infractl-scratch-"  # the temporary directory of a throwaway cluster
OWNER_FILE = "owner"  # in that directory: the pid of the infractl run that owns the cluster
NO_SERVER = ("--replay needs a scratch PostgreSQL: install the server binaries (initdb, pg_ctl: Debian's "
             "'postgresql'), or pass --scratch-url URL naming a server where this role may CREATE DATABASE")


class ScratchError(InfractlError):
    """The scratch server could not be created or started."""


def find_pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, then the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl", path=str(Path(found).parent)):
        return Path(found).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        if os.access(os.path.join(candidate, "initdb"), os.X_OK) and os.access(os.path.join(candidate, "pg_ctl"),
                                                                                os.X_OK):
            return Path(candidate)
    return None


def _version_key(path: str) -> tuple[int, str]:
    version = Path(path).parent.name
    return (int(version), version) if version.isdigit() else (0, version)


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
    pg_bin: Path | None = None
    run_as: str | None = None  # uid the server runs as (when we are root)

    @property
    def base(self) -> Path | None:
        return self.datadir.parent if self.datadir else None

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
        """Stop the server (immediate) and delete its directory; safe to call twice."""
        if self.datadir is None:
            return
        base = self.datadir.parent
        _run([str(self.pg_bin / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"],
             self.run_as, check=False)
        shutil.rmtree(base, ignore_errors=True)
        self.datadir = None

    def keep(self) -> None:
        """The user keeps it (--keep): no later run may take it for an abandoned one."""
        if self.base is not None:
            (self.base / OWNER_FILE).unlink(missing_ok=True)


def _run(cmd: list[str], run_as: str | None, check: bool = True) -> tools.Finished:
    if run_as:
        cmd = ["setpriv", f"--reuid={run_as}", f"--regid={_gid(run_as)}", "--clear-groups", *cmd]
    try:
        return tools.run(cmd, timeout=120)
    except tools.ToolTimeout as exc:
        raise ScratchError(str(exc)) from None


def remove_abandoned(parent: str, pg_bin: Path, run_as: str | None) -> None:
    """Stop and delete the clusters under ``parent`` that a run which is dead now left behind (it was
    SIGKILLed): only directories named like ours whose owner file names a pid that no longer runs."""
    for base in Path(parent).glob(f"{CLUSTER_PREFIX}*"):
        try:
            owner = int((base / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):  # not ours, a kept cluster, or one another user's run owns
            continue
        if owner == os.getpid() or _pid_alive(owner):
            continue
        if (base / "data" / "postmaster.pid").exists():
            _run([str(pg_bin / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "stop"], run_as,
                 check=False)
        shutil.rmtree(base, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _gid(uid: str) -> int:
    return pwd.getpwuid(int(uid)).pw_gid


def _server_user() -> str | None:
    """None when we may run the server ourselves; as root, the uid of 'postgres' (else 'nobody')."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return str(pwd.getpwnam(name).pw_uid)
        except KeyError:
            continue
    raise ScratchError("running as root and there is neither a 'postgres' nor a 'nobody' user to run the "
                       "scratch server as (initdb refuses root)")


def _reachable_parent(run_as: str | None) -> str:
    """The temp directory, if the server's user can reach it (every ancestor searchable); else /tmp."""
    parent = Path(tempfile.gettempdir()).resolve()
    if run_as is None:
        return str(parent)
    for part in (parent, *parent.parents):
        if not part.stat().st_mode & stat.S_IXOTH:
            return "/tmp"
    return str(parent)


def start_cluster(pg_bin: Path | None = None) -> Cluster:
    """initdb + start a server; the caller must call ``stop()`` (it is also stopped if this fails)."""
    pg_bin = pg_bin or find_pg_bin()
    if pg_bin is None:
        raise ScratchError(NO_SERVER)
    run_as = _server_user()
    parent = _reachable_parent(run_as)
    remove_abandoned(parent, pg_bin, run_as)
    base = Path(tempfile.mkdtemp(prefix=CLUSTER_PREFIX, dir=parent))
    password = secrets.token_urlsafe(18)
    remember_secrets([password])
    cluster = Cluster("127.0.0.1", 0, "postgres", password, base / "data", pg_bin, run_as)
    try:
        (base / OWNER_FILE).write_text(f"{os.getpid()}\n")
        if run_as:
            os.chown(base, int(run_as), _gid(run_as))
        pwfile = base / "pwfile"
        pwfile.write_text(password + "\n")
        os.chmod(pwfile, 0o600)
        if run_as:
            os.chown(pwfile, int(run_as), _gid(run_as))
        _checked([str(pg_bin / "initdb"), "-D", str(cluster.datadir), "-U", "postgres", "--auth-local=trust",
                  "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-sync"], run_as, "initdb")
        for attempt in range(3):  # the free port can be taken between probing and binding
            cluster.port = free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {base} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
            started = _run([str(pg_bin / "pg_ctl"), "-D", str(cluster.datadir), "-o", options, "-l",
                            str(base / "log"), "-w", "-t", "60", "start"], run_as, check=False)
            if started.returncode == 0:
                return cluster
        raise ScratchError(f"pg_ctl start failed: {_whole(started)} (log: {base / 'log'})")
    except BaseException:
        with uninterrupted():  # a second Ctrl-C (or a SIGTERM) would leave the server and its directory
            cluster.stop()
        raise


def _checked(cmd: list[str], run_as: str | None, what: str) -> None:
    done = _run(cmd, run_as, check=False)
    if done.failure() is not None:
        raise ScratchError(f"{what} failed: {_whole(done)}")


def _whole(done: tools.Finished) -> str:
    """The tool's whole message on one line (initdb's cause often precedes its last line), masked."""
    return mask_text(" ".join(line.strip() for line in done.failure().splitlines() if line.strip()))


@contextmanager
def throwaway_cluster(keep: bool = False) -> Iterator[Cluster]:
    """A started cluster, stopped and deleted when the block ends (error and Ctrl-C included)."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        if keep:
            cluster.keep()
        else:
            with uninterrupted():
                cluster.stop()


def cluster_from_url(url: str) -> Cluster:
    """Wrap an existing server given as a URL (its user must be allowed to CREATE DATABASE)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return Cluster(parsed.host or "127.0.0.1", parsed.port or 5432, parsed.username or "postgres",
                   parsed.password or "")


def new_scratch_name() -> str:
    import uuid

    return f"{SCRATCH_PREFIX}{uuid.uuid4().hex[:12]}"


@contextmanager
def scratch_database(raw_url: str, keep: bool = False) -> Iterator[object]:
    """A new, empty ``infractl_scratch_*`` database on the server of ``raw_url``; yields its Target.

    The URL's database is only connected to (to run CREATE DATABASE), never changed; if the URL itself
    names an ``infractl_scratch_*`` database, that is the name to create. An existing database of that
    name is refused, and only the database created here is ever dropped.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from infractl.verify_db.live.catalog import Target, parse_url, translated_errors

    admin = parse_url(raw_url)
    wanted = admin.url.database or ""
    name = wanted if wanted.startswith(SCRATCH_PREFIX) else new_scratch_name()
    if not name.replace("_", "").isalnum():
        raise InfractlError(f"scratch database name {name!r} may hold only letters, digits and '_'")
    if wanted == name:
        admin = Target(admin.url.set(database="postgres"), admin.display, admin.secrets)
    engine = create_engine(admin.url.render_as_string(hide_password=False), poolclass=NullPool, isolation_level="AUTOCOMMIT",
                           connect_args={"connect_timeout": 10, "application_name": "infractl verify-db"})
    created = False
    try:
        with translated_errors(admin, 30, connecting=True), engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists:
                raise InfractlError(f"scratch database {name!r} already exists on {admin.display}: refusing "
                                    "to use or drop it (drop it yourself, or name another infractl_scratch_*)")
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            created = True
        target_url = admin.url.set(database=name)
        yield Target(target_url, mask_text(target_url.render_as_string(hide_password=True), admin.secrets),
                     admin.secrets)
    finally:
        if created and not keep:
            with uninterrupted(), translated_errors(admin, 30, connecting=True), engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
