"""live/url.py reads, prints and connects a URL exactly as SQLAlchemy did before the live check dropped
it: compared with SQLAlchemy itself on URLs of every shape."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from infractl.errors import InfractlError
from infractl.verify_db.live.url import DRIVER, parse_database_url, parse_url

URLS = [
    "postgresql://app:s3cret@db.internal:5433/orders",
    "postgres://app@localhost/orders",
    "postgresql+psycopg2://app:p%40ss%2Fw%3Ard@10.0.0.5/orders?sslmode=require&application_name=x",
    "postgresql://app:@host/db",
    "postgresql://:pw@host:0/db",
    "postgresql://app:pw@[::1]:5432/db?connect_timeout=3",
    "postgresql:///orders?host=/var/run/postgresql",
    "postgresql://app:pw@/orders?host=h1:5432&host=h2:5433",
    "postgresql://app:pw@/orders?host=h1,h2&port=5432,5433",
    "postgresql://app:pw@/orders?host=h1:6000",
    "postgresql://app:pw@host/db?options=a+b&options=c%20d&sslmode=",
    "postgresql://user+name:pass word@host/data base/x?q=%2B",
    "postgresql://host",
    "postgresql://",
]


@pytest.mark.parametrize("raw", URLS)
def test_parsed_printed_and_connected_as_sqlalchemy_does(raw):
    ours, theirs = parse_database_url(raw), make_url(raw)
    for part in ("drivername", "username", "password", "host", "port", "database"):
        assert getattr(ours, part) == getattr(theirs, part), part
    assert {k: v if isinstance(v, str) else list(v) for k, v in ours.query} == {
        k: v if isinstance(v, str) else list(v) for k, v in theirs.query.items()}
    for hide in (True, False):
        assert ours.render_as_string(hide_password=hide) == theirs.render_as_string(hide_password=hide)
    args, kwargs = PGDialect_psycopg().create_connect_args(theirs.set(drivername=DRIVER))
    assert args in ([], [""])  # "" is psycopg's default conninfo: the same as none
    assert ours.connect_args() == kwargs


@pytest.mark.parametrize("raw", ["not a url", "postgresql://app:pw@host:port/db", "://host/db"])
def test_what_sqlalchemy_cannot_parse_is_an_invalid_url(raw):
    with pytest.raises((ArgumentError, ValueError)):
        make_url(raw)
    with pytest.raises(InfractlError, match=r"^invalid database URL \(expected"):
        parse_url(raw)


def test_display_masks_the_password_and_names_the_driver():
    target = parse_url("postgres://app:pa@ss@db:5432/orders")
    assert target.display == "postgresql+psycopg://app:***@db:5432/orders"
    assert target.url.password == "pa@ss"
    assert target.url.set(database="postgres").render_as_string(hide_password=False) == \
        "postgresql+psycopg://app:pa%40ss@db:5432/postgres"
