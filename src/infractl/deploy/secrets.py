"""Secret values: read from environment variables or files at deploy time, held in memory only."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from infractl.deploy.plan import SecretValues
from infractl.deploy.settings import DeploySettings
from infractl.errors import InfractlError

MAX_SECRET_FILE = 1 << 20  # a token, a key, a certificate chain: far less than this
# Values that mean "nobody filled this in". The message names the key and the source, never the value.
PLACEHOLDER = re.compile(r"(?i)^\s*(changeme|change-me|change_me|replace[_-]?me|todo|xxx+|secret|password|<[^>]*>)?\s*$")


def is_placeholder(value: str) -> bool:
    return bool(PLACEHOLDER.match(value))


def read_secret_file(key: str, path: Path) -> str:
    """A secret file's text, less its final newline: a regular file of at most MAX_SECRET_FILE bytes of UTF-8
    (``file:/dev/zero`` or a FIFO would never end, or fill the memory). Errors name the key and the file,
    never the content."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InfractlError(f"secret {key}: cannot read file {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InfractlError(f"secret {key}: {path} is not a regular file")
        data = handle.read(MAX_SECRET_FILE + 1)
    if len(data) > MAX_SECRET_FILE:
        raise InfractlError(f"secret {key}: {path} is larger than {MAX_SECRET_FILE // 1024} KiB; a secret file "
                            "holds one value")
    try:
        return data.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise InfractlError(f"secret {key}: {path} is not UTF-8 text") from None


def resolve_secrets(settings: DeploySettings, environ: dict[str, str] | None = None) -> SecretValues:
    environ = os.environ if environ is None else environ
    values = SecretValues()
    for source in settings.secrets:
        if source.env:
            value = environ.get(source.env)
            if value is None:
                raise InfractlError(f"secret {source.key}: environment variable {source.env} is not set")
        else:
            value = read_secret_file(source.key, source.file)
        if is_placeholder(value):
            raise InfractlError(f"secret {source.key} ({source.describe()}) holds an empty or placeholder "
                                "value; set the real one")
        values[source.key] = value
    return values
