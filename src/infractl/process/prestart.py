"""External tools started on entry.py's head start, before Typer is imported, for the real run to adopt.

``lint-ci`` waits on actionlint and zizmor, ``check`` on them and on promtool (its monitoring area), each
200-350 ms; started where the command runs them, they began only after ~110-150 ms of Python start-up
(Typer, the command's modules, PyYAML). So the console script (entry.py), from the raw argument list,
works out what the run will most likely give them and starts them at once, on the second core:
actionlint and zizmor on the workflow files lint-ci would find under the guessed directory, with the
configured tool paths; promtool on the monitoring area's rule files and configurations when they are
plain files (``promtool.plain_calls``: then what it reads is the file itself).

A process started here is used only when the run asks for exactly its command line and options
(``start``: the same argv, the same text mode and streams); otherwise it is ended with the run (``close``,
and ``tools.stop_all`` in guard.py, as every tool: own process group, PDEATHSIG) and the run starts its
own. A wrong guess changes nothing but speed: tests/check/test_entry.py runs argument lists with and
without the head start and requires the same output and exit code.
"""

from __future__ import annotations

from pathlib import Path

from infractl.process import tools

# started early, not adopted yet: (argv, options) -> process
_waiting: dict[tuple, object] = {}


def start(argv: list[str], **options):
    """``tools.start(argv, **options)``, or the process the head start began with exactly these."""
    process = _waiting.pop(_key(argv, options), None)
    return process if process is not None else tools.start(argv, **options)


def start_early(argv: list[str], **options) -> None:
    """Start ``argv`` now for a later ``start`` with the same arguments; one that cannot be started is
    left to the run, which starts it again and reports why."""
    key = _key(argv, options)
    if key not in _waiting:
        try:
            _waiting[key] = tools.start(argv, **options)
        except OSError:
            pass


def adoptable() -> int:
    """How many early processes wait to be adopted (what the tests ask)."""
    return len(_waiting)


def close() -> None:
    """End every early process the run did not adopt (a wrong guess, or an area that did not run)."""
    while _waiting:
        tools.stop(_waiting.popitem()[1])


def _key(argv: list[str], options: dict) -> tuple:
    """What makes two starts the same: the argv and every option (an environment by its items)."""
    return tuple(str(arg) for arg in argv), tuple(
        (name, tuple(sorted(value.items())) if isinstance(value, dict) else value) for name, value in sorted(options.items()))


def for_command(command: str, path: str, config_path: str | None, scanner) -> None:
    """Start what ``command`` (``lint-ci`` or ``check``) over ``path`` with the configuration at
    ``config_path`` (None: the nearest) will most likely run. Nothing when the configuration cannot be
    read: the run says why."""
    import infractl.config as config_module

    # load_config remembers the file for error messages; the run's own load_config must set it, not this
    loaded_before = config_module._loaded_from
    try:
        config = config_module.load_config(Path(path), Path(config_path) if config_path else None)
        if command == "lint-ci":
            _workflow_tools(Path(path), config)
            return
        from infractl.check.areas import REGISTRY

        section = config.section("check")
        where = config.where("check")
        skipped = config_module.string_list(section, "skip", where)
        areas = [name for name in config_module.string_list(section, "areas", where, tuple(REGISTRY))
                 if name not in skipped]
        if "workflows" in areas:
            _workflow_tools(Path(path), config)
        if "monitoring" in areas and scanner is not None:
            _promtool(Path(path), config, scanner)
    except Exception:  # noqa: BLE001 - a guess that fails is no guess: the run reads and reports it all
        return
    finally:
        config_module._loaded_from = loaded_before


def _workflow_tools(path: Path, config) -> None:
    """actionlint and zizmor on the workflow files, as lint_ci.command.workflow_findings runs them."""
    from infractl.config import string_list
    from infractl.lint_ci.command import workflow_files

    section, where = config.section("lint_ci"), config.where("lint_ci")
    names = [str(file) for file in workflow_files(path, string_list(section, "workflows", where))]
    if not names:
        return  # no workflow: the run imports neither tool's module, nor should this
    from infractl.lint_ci.tools.actionlint import ActionlintRun
    from infractl.lint_ci.tools.toolrun import OPTIONS
    from infractl.lint_ci.tools.zizmor import ZizmorRun

    for run in (ZizmorRun, ActionlintRun):  # zizmor first: it takes the longer (~0.2 s to actionlint's ~10 ms)
        configured = section.get(run.name)
        argv = run.argv(names, configured if isinstance(configured, str) and configured else None)
        if argv is not None:
            start_early(argv, **OPTIONS)


def _promtool(root: Path, config, scanner) -> None:
    """promtool on the monitoring area's plain rule files and configurations, as its ``collect`` finds them."""
    from infractl.config import string_list
    from infractl.monitoring.lint import WHERE, discover, discovery_key
    from infractl.monitoring.promtool import command, find_promtool, options, plain_calls

    executable = find_promtool()
    if executable is None:
        return
    exclude = string_list(config.section("monitoring"), "exclude", WHERE)
    inputs = discover(root, exclude, scanner)
    scanner.found_early[repr(discovery_key(root, exclude))] = inputs  # the area takes it: no second read
    for kind, arguments in plain_calls(inputs.rule_files, inputs.prometheus_configs, scanner.read):
        start_early(command(executable, kind, arguments), **options())
