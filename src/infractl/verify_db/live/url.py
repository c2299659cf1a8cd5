"""A database URL as verify-db reads it: parsed, printable with its password masked, and turned into
psycopg's connection arguments, all without importing SQLAlchemy.

SQLAlchemy costs ~0.3 s to import, a quarter of a live check on 10,000 tables, and the live check needs
nothing else from it. The parsing, printing and connection arguments follow SQLAlchemy 2's
``make_url``, ``URL.render_as_string`` and its psycopg dialect's ``create_connect_args`` rule for rule,
so a URL means, prints and connects as it did through SQLAlchemy (tests/verify_db/test_url.py compares
them); the multi-host query forms (``?host=h1:p1&host=h2:p2``) are handed to that dialect itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, quote_plus, unquote

from infractl.errors import InfractlError
from infractl.sanitise.masking import mask_text, remember_secrets, split_userinfo, url_secrets

DRIVER = "postgresql+psycopg"
_POSTGRES_SCHEMES = re.compile(r"^(postgres|postgresql)(\+[a-z0-9_]+)?$", re.IGNORECASE)
# sqlalchemy.engine.url._parse_url's pattern, verbatim
_URL = re.compile(r"""
    (?P<name>[\w\+]+)://
    (?:
        (?P<username>[^:/]*)
        (?::(?P<password>[^@]*))?
    @)?
    (?:
        (?:
            \[(?P<ipv6host>[^/\?]+)\] |
            (?P<ipv4host>[^/:\?]+)
        )?
        (?::(?P<port>[^/\?]*))?
    )?
    (?:/(?P<database>[^\?]*))?
    (?:\?(?P<query>.*))?
    """, re.VERBOSE)


@dataclass(frozen=True)
class DatabaseURL:
    """The parts of a URL, with SQLAlchemy URL's attribute names; ``query`` values are a str, or a tuple
    of str for a key given more than once."""

    drivername: str
    username: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    query: tuple[tuple[str, str | tuple[str, ...]], ...] = ()

    def set(self, **changes) -> DatabaseURL:
        from dataclasses import replace

        return replace(self, **changes)

    def render_as_string(self, hide_password: bool = True) -> str:
        text = self.drivername + "://"
        if self.username is not None:
            text += quote(self.username, safe=" +")
            if self.password is not None:
                text += ":" + ("***" if hide_password else quote(self.password, safe=" +"))
            text += "@"
        if self.host is not None:
            text += f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            text += f":{self.port}"
        if self.database is not None:
            text += "/" + quote(self.database, safe=" +/")
        if self.query:
            text += "?" + "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, values in sorted(self.query)
                                   for value in ((values,) if isinstance(values, str) else values))
        return text

    def connect_args(self) -> dict:
        """psycopg.connect's keyword arguments for this URL."""
        query = dict(self.query)
        if "host" in query or "port" in query or any(not isinstance(v, str) for v in query.values()):
            return _dialect_connect_args(self)
        parts = (("host", self.host), ("dbname", self.database), ("user", self.username),
                 ("password", self.password), ("port", self.port))
        return {**{name: value for name, value in parts if value}, **query}  # unset or empty: left out


def _dialect_connect_args(url: DatabaseURL) -> dict:
    """Multi-host and repeated query keys, exactly as SQLAlchemy's psycopg dialect reads them."""
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
    from sqlalchemy.engine import make_url

    _, kwargs = PGDialect_psycopg().create_connect_args(make_url(url.render_as_string(hide_password=False)))
    return kwargs  # the positional part is [""] (psycopg's empty conninfo) or nothing


def parse_database_url(text: str) -> DatabaseURL:
    """``make_url``: ValueError when the text is not a URL or its port is not a number."""
    match = _URL.match(text)
    if match is None:
        raise ValueError("not a URL")
    parts = match.groupdict()
    query: dict[str, str | tuple[str, ...]] = {}
    for key, value in parse_qsl(parts["query"] or ""):
        query[key] = (*((query[key],) if isinstance(query[key], str) else query[key]), value) if key in query \
            else value
    username, password, database = (None if parts[name] is None else unquote(parts[name])
                                    for name in ("username", "password", "database"))
    return DatabaseURL(parts["name"], username, password, parts["ipv4host"] or parts["ipv6host"],
                       int(parts["port"]) if parts["port"] else None, database, tuple(query.items()))


@dataclass(frozen=True)
class Target:
    """A parsed database URL, its printable form and its secrets."""

    url: DatabaseURL
    display: str  # password masked
    secrets: tuple[str, ...]


def parse_url(raw: str) -> Target:
    """Accept postgres:// and postgresql[+driver]://; connect through psycopg 3 whatever was named.

    Every spelling of the password is remembered for masking before anything can fail, and a password
    pasted without percent-encoding (a raw ``@``, ``:``, ``/``, ``#``, space) is encoded here, so the
    URL both connects and never shows the password as part of a host name.
    """
    raw = raw.strip()
    remember_secrets(url_secrets(raw))
    try:
        url = parse_database_url(normalize_url(raw))
    except ValueError:
        # The string did not parse, so we cannot tell its password apart: print none of it.
        raise InfractlError("invalid database URL (expected postgresql://user:password@host:port/database)") from None
    if not _POSTGRES_SCHEMES.match(url.drivername):
        raise InfractlError(f"verify-db supports PostgreSQL only, not {url.drivername!r} "
                            "(use a postgresql:// or postgres:// URL)")
    url = url.set(drivername=DRIVER)
    password = url.password or ""
    secrets = tuple(s for s in {password, quote(password, safe=""), quote(password), *url_secrets(raw)} if s)
    remember_secrets(secrets)
    return Target(url, mask_text(url.render_as_string(hide_password=True), secrets), secrets)


_ENCODED = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def normalize_url(raw: str) -> str:
    """Percent-encode a user name and password that were pasted raw; leave encoded ones as they are."""
    split = split_userinfo(raw)
    if split is None:
        return raw
    scheme, user, password, rest = split
    userinfo = quote(_literal(user), safe="")
    if password is not None:
        userinfo += ":" + quote(_literal(password), safe="")
    return f"{scheme}://{userinfo}@{rest}"


def _literal(text: str) -> str:
    """What the user meant: an already percent-encoded value decoded, anything else taken as typed."""
    return unquote(text) if _ENCODED.fullmatch(text) else text
