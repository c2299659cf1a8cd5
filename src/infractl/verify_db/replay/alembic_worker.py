"""Run alembic commands the way ``alembic -c INI -x url=URL upgrade head`` would, in a child process.

``verify-db --replay`` starts this module with the same interpreter (so the project's env.py imports
what the user's environment has) before the scratch database is ready: it imports alembic and
SQLAlchemy meanwhile, then reads one JSON request per line on stdin,
``{"config": INI, "url": URL, "steps": [["upgrade", "head"], ...]}``, and answers each with one JSON
line on the file descriptor named by argv[1]: the revisions each step ran, the version locations, and,
on failure, the revision that was running, its file and the error. The URL is given to env.py as
``sqlalchemy.url``, ``-x url=...`` and ``DATABASE_URL``. A child keeps the project's imports, logging
set-up, ``sys.exit`` calls and output out of infractl's process; the parent masks whatever it shows.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback


def main() -> int:
    progress: dict = {"running": None, "ran": []}
    _track_revisions(progress)
    import alembic.command  # noqa: F401 - warm up while the scratch database starts
    import sqlalchemy  # noqa: F401

    with os.fdopen(int(sys.argv[1]), "w", encoding="utf-8") as answers:
        for line in sys.stdin:
            answers.write(json.dumps(run_request(json.loads(line), progress)) + "\n")
            answers.flush()
    return 0


def run_request(request: dict, progress: dict) -> dict:
    result: dict = {"ok": False, "steps": []}
    progress["running"], progress["ran"] = None, []
    try:
        from alembic import command
        from alembic.config import CommandLine, Config
        from alembic.script import ScriptDirectory

        url = os.environ["DATABASE_URL"] = request["url"]
        cli = CommandLine(prog="alembic")
        options = cli.parser.parse_args(
            ["-c", request["config"], "-n", request.get("section", "alembic"), "-x", f"url={url}", "upgrade", "head"])
        if hasattr(cli, "_inis_from_config"):  # alembic >= 1.16: pyproject.toml next to alembic.ini too
            toml, ini = cli._inis_from_config(options)
            config = Config(file_=ini, toml_file=toml, ini_section=options.name, cmd_opts=options)
        else:
            config = Config(file_=options.config, ini_section=options.name, cmd_opts=options)
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
        # the locations only: reading the revisions is left to the command (loading them twice costs)
        result["version_locations"] = [str(path) for path in ScriptDirectory.from_config(config)._version_locations]
        for name, target in request["steps"]:
            progress["ran"] = []
            getattr(command, name)(config, target)
            result["steps"].append({"command": name, "target": target, "ran": progress["ran"]})
        # what the scratch database must show afterwards (run.py checks alembic_version against it)
        result["heads"] = list(ScriptDirectory.from_config(config).get_heads())
        result["ok"] = True
    except BaseException as exc:  # noqa: BLE001 - SystemExit from env.py and Ctrl-C are reported too
        result["error"] = _describe(exc)
        result["error_type"] = type(exc).__name__
        result["traceback"] = traceback.format_exc()
        running = progress["running"]
        if running is not None:
            result["revision"], result["path"], result["upgrade"] = running
        result["ran_before_failure"] = progress["ran"]
    return result


def _track_revisions(progress: dict) -> None:
    """Wrap each revision step's upgrade()/downgrade() to record which one is running."""
    from alembic.runtime.migration import RevisionStep

    original = RevisionStep.__init__

    def init(self, revision_map, revision, is_upgrade):
        original(self, revision_map, revision, is_upgrade)
        migration_fn = self.migration_fn

        @functools.wraps(migration_fn)
        def tracked(*args, **kwargs):
            progress["running"] = (revision.revision, revision.path, is_upgrade)
            migration_fn(*args, **kwargs)
            progress["ran"].append(revision.revision)
            progress["running"] = None

        self.migration_fn = tracked

    RevisionStep.__init__ = init


def _describe(exc: BaseException) -> str:
    """The database's own message for a driver error (its first lines), else the exception text."""
    original = getattr(exc, "orig", None)
    if original is not None:
        return str(original).strip()
    if isinstance(exc, SystemExit):
        return f"env.py exited ({exc.code!r})" if exc.code not in (None, 0) else "env.py exited"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return f"{type(exc).__name__}: {exc}".strip()


if __name__ == "__main__":
    sys.exit(main())
