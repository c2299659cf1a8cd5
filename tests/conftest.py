"""Shared fixtures: a real PostgreSQL server for the tests marked ``postgres``."""

from __future__ import annotations

import os
import uuid

import pytest
from support.pgcluster import Cluster, cluster_from_url, start_cluster


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
