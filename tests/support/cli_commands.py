"""Every command path of the ``infractl`` app, for tests that must hold for each one (help, usage errors)."""

from __future__ import annotations

from infractl import cli


def every_command() -> list[list[str]]:
    """``[]`` (infractl itself), each command, each group and each of its subcommands."""
    commands = [[], *([name] for name in sorted(c.name for c in cli.app.registered_commands))]
    for group in cli.app.registered_groups:  # sub-apps: `manifests lint`, `wiremock up`, ...
        # add_typer(app, name=...) or typer.Typer(name=...): the group's name is in one of the two
        name = group.name if isinstance(group.name, str) else group.typer_instance.info.name
        assert isinstance(name, str), group
        commands.append([name])
        commands.extend([name, c.name] for c in group.typer_instance.registered_commands)
    return commands
