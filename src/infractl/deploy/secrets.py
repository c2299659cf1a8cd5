"""Secret values: read from environment variables or files at deploy time, held in memory only."""

from __future__ import annotations

import os
import re

from infractl.deploy.plan import SecretValues
from infractl.deploy.settings import DeploySettings
from infractl.errors import InfractlError

# Values that mean "nobody filled this in". The message names the key and the source, never the value.
PLACEHOLDER = re.compile(r"(?i)^\s*(changeme|change-me|change_me|replace[_-]?me|todo|xxx+|secret|password|<[^>]*>)?\s*$")


def is_placeholder(value: str) -> bool:
    return bool(PLACEHOLDER.match(value))


def resolve_secrets(settings: DeploySettings, environ: dict[str, str] | None = None) -> SecretValues:
    environ = os.environ if environ is None else environ
    values = SecretValues()
    for source in settings.secrets:
        if source.env:
            value = environ.get(source.env)
            if value is None:
                raise InfractlError(f"secret {source.key}: environment variable {source.env} is not set")
        else:
            try:
                value = source.file.read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise InfractlError(f"secret {source.key}: cannot read file {source.file}: "
                                    f"{exc.strerror or exc}") from None
        if is_placeholder(value):
            raise InfractlError(f"secret {source.key} ({source.describe()}) holds an empty or placeholder "
                                "value; set the real one")
        values[source.key] = value
    return values
