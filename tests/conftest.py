"""Shared fixtures: a real PostgreSQL server for the tests marked ``postgres``; and, under CI=true, a
skipped test is a failed one (a real part that is missing must not turn a run green), except the tests
marked ``gated`` (they need what no CI machine can have, such as a real Kubernetes API server)."""

from __future__ import annotations

import os
import uuid

import pytest
from support import emitted
from support.cireal import pytest_runtest_makereport  # noqa: F401 (a hook: CI=true fails on a skip)
from support.pgcluster import Cluster, cluster_from_url, start_cluster

emitted.install()


def pytest_runtest_setup(item):
    emitted.set_current(item.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when a test made a finding whose id or severity the rule catalogue does not declare."""
    problems = emitted.undeclared()
    if problems:
        session.config.get_terminal_writer().line("\n".join(["", "findings the rule catalogue does not declare:",
                                                             *problems]), red=True)
        if exitstatus == 0:
            session.exitstatus = 1


@pytest.fixture(scope="session")
def pg_cluster() -> Cluster:
    """A throwaway cluster (or the server in INFRACTL_TEST_DATABASE_URL) for the whole session."""
    url = os.environ.get("INFRACTL_TEST_DATABASE_URL")
    if url:
        yield cluster_from_url(url)
        return
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_database(pg_cluster: Cluster):
    """A fresh, empty database; yields its URL (with password) and drops it afterwards."""
    name = f"infractl_test_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)
