"""``verify-db --migrations DIR --replay``: build the database the migrations build, then check it live.

Scratch database (a throwaway local cluster, or a new ``infractl_scratch_*`` database on --scratch-url),
``alembic upgrade head`` through the project's own env.py in a child process of this interpreter
(alembic_worker), then the same catalog check as ``--url``. ``--roundtrip`` downgrades to base,
upgrades again and compares; ``--compare-static`` compares with the static reader.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from infractl.errors import InfractlError
from infractl.process import tools
from infractl.render import Report
from infractl.sanitise.masking import mask_text
from infractl.verify_db.replay.project import worker_argv
from infractl.verify_db.rules import RuleSettings

COMMAND = "verify-db"


@dataclass
class ReplayOptions:
    migrations: Path  # the directory holding alembic.ini (or any directory, with alembic_config)
    alembic_config: Path | None = None
    scratch_url: str | None = None
    keep: bool = False
    roundtrip: bool = False
    compare_static: bool = False
    schemas: tuple[str, ...] = ("public",)
    python: Path | None = None  # the application's interpreter for the alembic worker (else its .venv, else ours)
    upgrade_command: str | None = None  # the project's own migration command instead of the alembic worker
    url_env: str = "DATABASE_URL"  # where --upgrade-command reads the scratch URL


PHASE_TEXT = {"scratch": "starting the scratch database", "upgrade": "alembic upgrade head",
              "check": "checking the columns", "downgrade": "alembic downgrade base",
              "upgrade_again": "alembic upgrade head (again)", "check_again": "checking the columns again",
              "compare_static": "reading the revision files statically"}


@dataclass
class Phases:
    """How long each phase took (for the JSON summary); on a terminal, a spinner says which one runs."""

    seconds: dict[str, float] = field(default_factory=dict)
    show: bool = field(default_factory=lambda: sys.stderr.isatty())

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        status = None
        if self.show and name not in self.seconds:
            from rich.console import Console

            status = Console(stderr=True).status(PHASE_TEXT.get(name, name) + " …")
            status.start()
        try:
            yield
        finally:
            if status is not None:
                status.stop()
            self.seconds[name] = round(self.seconds.get(name, 0) + time.perf_counter() - start, 3)


def alembic_ini(options: ReplayOptions) -> Path:
    """--alembic-config, else alembic.ini in DIR or the nearest directory above it (``--migrations
    migrations/versions`` is what users type for the static check too), up to the filesystem root."""
    if options.alembic_config is not None:
        if not options.alembic_config.is_file():
            raise InfractlError(f"--alembic-config: file not found: {options.alembic_config}")
        return options.alembic_config
    start = options.migrations.resolve()
    for directory in (start, *start.parents):
        if (directory / "alembic.ini").is_file():
            ini = directory / "alembic.ini"
            try:
                return ini.relative_to(Path.cwd())
            except ValueError:
                return ini
    raise InfractlError(f"--replay: no alembic.ini in {options.migrations} or above it (give --alembic-config FILE)")


def run_replay(options: ReplayOptions, settings: RuleSettings, statement_timeout: float) -> Report:
    from infractl.verify_db.live.catalog import parse_url
    from infractl.verify_db.replay.project import worker_python
    from infractl.verify_db.replay.scratch import scratch_database, throwaway_cluster

    ini = alembic_ini(options)
    phases = Phases()
    python = None if options.upgrade_command else worker_python(options.python, ini.parent)
    with ExitStack() as stack:  # the scratch server or database goes away on any exit, Ctrl-C included
        worker = None if options.upgrade_command else stack.enter_context(alembic_worker(ini, python))
        with phases.timed("scratch"):
            if options.scratch_url:
                cluster = None
                target = stack.enter_context(scratch_database(options.scratch_url, keep=options.keep))
            else:
                # SQLAlchemy and psycopg load (~0.3 s) while initdb runs; nothing else in this process imports
                # them until the join, and SQLAlchemy must not be imported from two threads at once.
                warm_up = threading.Thread(target=_import_driver, daemon=True)
                warm_up.start()
                cluster = stack.enter_context(throwaway_cluster(keep=options.keep))
                warm_up.join()
                target = parse_url(cluster.url("postgres"))  # the cluster is ours alone: its own database
        if worker is not None:
            stack.callback(worker.kill)  # runs first on the way out: no migration is left talking to the server
        try:
            report = _replay_into(worker, target, cluster, ini, options, settings, statement_timeout, phases)
            report.extra["python"] = str(python or sys.executable) if worker is not None else None
            return report
        except InfractlError:
            if options.keep:  # kept for a look at what the failing migration left behind
                sys.stderr.write(_kept(target, cluster)["message"] + "\n")
            raise


def _import_driver() -> None:
    import psycopg  # noqa: F401
    import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401


def _replay_into(worker: AlembicWorker | None, target, cluster, ini: Path, options: ReplayOptions, settings: RuleSettings,
                 statement_timeout: float, phases: Phases) -> Report:
    from infractl.verify_db.command import live_findings
    from infractl.verify_db.live.catalog import read_catalog
    from infractl.verify_db.replay import migrated
    from infractl.verify_db.replay.project import run_upgrade_command

    url = target.url.render_as_string(hide_password=False)
    with phases.timed("upgrade"):
        if worker is None:
            locations = [str(migrated.versions_dir(ini))]
            heads, tables = migrated.expected_tree(locations[0])  # read first: a tree that cannot be read is exit 2
            run_upgrade_command(options.upgrade_command, options.url_env, url, target.secrets)
            replayed = None
        else:
            first = worker.run(url, [("upgrade", "head")], target.secrets)
            locations, heads, replayed = first["version_locations"], first["heads"], len(first["steps"][0]["ran"])
            tables = migrated.tables_created(locations)
    with phases.timed("check"):
        versions, missing = migrated.database_state(target, tables, statement_timeout)
        findings = migrated.migrated_findings(str(options.migrations), heads, versions, missing, target.display)
        snapshot = read_catalog(target, options.schemas, settings, 10, statement_timeout)
        findings += live_findings(snapshot, settings)
    extra: dict = {"source": "replay", "migrations": str(options.migrations), "alembic_config": str(ini),
                   "database": target.display, "schemas": list(options.schemas)}
    if options.roundtrip:
        from infractl.verify_db.live.compare import roundtrip_failure, roundtrip_findings

        try:
            with phases.timed("downgrade"):
                worker.run(url, [("downgrade", "base")], target.secrets)
            with phases.timed("upgrade_again"):
                worker.run(url, [("upgrade", "head")], target.secrets)
        except MigrationFailed as failed:  # the round trip itself breaks: that is its finding
            findings += roundtrip_failure(str(failed), failed.path, settings)
        else:
            with phases.timed("check_again"):
                again = read_catalog(target, options.schemas, settings, 10, statement_timeout)
            findings += roundtrip_findings(snapshot.columns, again.columns, settings)
    if options.compare_static:
        from infractl.verify_db.live.compare import static_findings

        with phases.timed("compare_static"):
            findings += static_findings([shown_path(p) for p in locations], snapshot.columns,
                                        settings)
    if options.keep:
        extra["kept"] = _kept(target, cluster)
        sys.stderr.write(extra["kept"]["message"] + "\n")
    checked = len(snapshot.columns)
    how = f"replayed {replayed} revisions" if replayed is not None else f"ran {options.upgrade_command!r}"
    return Report(
        command=COMMAND, findings=findings,
        summary={"tables": snapshot.tables, "columns": checked, "findings": len(findings),
                 "replayed_revisions": replayed, "phase_seconds": phases.seconds},
        headline=(f"{options.migrations}: {how} into {target.display}; checked "
                  f"{snapshot.tables} tables, {checked} timestamp columns, {len(findings)} findings"),
        extra=extra, group_by_path=True)


class MigrationFailed(InfractlError):
    """A revision's upgrade() or downgrade() (or env.py) failed; the message is masked and one line."""

    def __init__(self, message: str, path: str | None) -> None:
        super().__init__(message)
        self.path = shown_path(path) if path else None


class AlembicWorker:
    """One child process for every alembic command of a replay, started before the scratch database so
    that its imports overlap the cluster start. Its output goes to a file, read only on failure."""

    def __init__(self, ini: Path, python: Path | None = None) -> None:
        self.ini = ini.resolve()
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115 - closed in close()
        read_end, write_end = os.pipe()
        try:  # through tools: its own process group, ended with infractl (SIGKILL included)
            self.process = tools.start(worker_argv(python, write_end), cwd=self.ini.parent, stdin=tools.PIPE, stdout=self._log, stderr=tools.STDOUT,
                                       pass_fds=(write_end,), text=True)
        finally:
            os.close(write_end)
        self._answers = os.fdopen(read_end, encoding="utf-8")

    def run(self, url: str, steps: list[tuple[str, str]], secrets: tuple[str, ...]) -> dict:
        """Run alembic steps; a failure is one masked line (exit 2)."""
        try:
            self.process.stdin.write(json.dumps({"config": str(self.ini), "url": url, "steps": steps}) + "\n")
            self.process.stdin.flush()
            answer = self._answers.readline()
        except BrokenPipeError:
            answer = ""
        if not answer:
            self.process.wait()
            self._log.seek(0)
            output = " ".join(line.strip() for line in self._log.read().splitlines() if line.strip()) or "no output"
            status = tools.status_text(self.process.returncode)
            raise InfractlError(mask_text(f"alembic {steps[0][0]} did not finish ({status}): {output}", secrets))
        result = json.loads(answer)
        if result.get("error_type") == "KeyboardInterrupt":
            raise KeyboardInterrupt
        if not result["ok"]:
            if os.environ.get("INFRACTL_DEBUG") == "1":  # the child's own output and traceback, masked
                self._log.seek(0)
                sys.stderr.write(mask_text(self._log.read() + result.get("traceback", ""), secrets))
            raise MigrationFailed(mask_text(_failure(result, steps), secrets), result.get("path"))
        return result

    def close(self) -> None:
        """End of input: the worker leaves on its own (at most 5 s), else it is ended."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        tools.stop(self.process)
        self._answers.close()
        self._log.close()

    def kill(self) -> None:
        tools.stop(self.process, grace=0.5)  # a migration in progress is not waited for


@contextmanager
def alembic_worker(ini: Path, python: Path | None = None) -> Iterator[AlembicWorker]:
    worker = AlembicWorker(ini, python)
    try:
        yield worker
    except BaseException:
        worker.kill()  # Ctrl-C or an error: do not wait for a migration to finish
        raise
    finally:
        worker.close()


def _failure(result: dict, steps: list[tuple[str, str]]) -> str:
    reason = " ".join(line.strip() for line in result["error"].splitlines()[:2] if line.strip())
    if result.get("revision"):
        direction = "upgrade" if result.get("upgrade", True) else "downgrade"
        return f"migration {result['revision']} ({shown_path(result['path'])}) failed in {direction}(): {reason}"
    names = " ".join(f"{name} {target}" for name, target in steps)
    return f"alembic {names} failed before any revision ran: {reason}"


def shown_path(path: str) -> str:
    """Relative to the current directory when under it, as the user would type it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def _kept(target, cluster) -> dict:
    if cluster is None:
        message = f"kept the scratch database: {target.display} (drop it with DROP DATABASE when done)"
        return {"url": target.display, "message": message}
    connect = f"psql -h {cluster.base} -p {cluster.port} -U {cluster.user} postgres"
    stop = f"{cluster.pg_bin / 'pg_ctl'} -D {cluster.datadir} stop"
    if cluster.run_as:
        import pwd

        stop = f"runuser -u {pwd.getpwuid(int(cluster.run_as)).pw_name} -- {stop}"
    stop += f" && rm -rf {cluster.base}"
    message = (f"kept the scratch cluster: {target.display} (password in {cluster.base}/pwfile); "
               f"connect: {connect}; remove: {stop}")
    return {"url": target.display, "connect": connect, "remove": stop, "message": message}
