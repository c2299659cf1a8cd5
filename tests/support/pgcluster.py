"""A throwaway PostgreSQL cluster for tests and benchmarks: the production code's own scratch cluster.

``infractl.verify_db.replay.scratch`` runs initdb + pg_ctl in a temp dir (as the ``postgres`` user when we are
root), on 127.0.0.1 and a free port, with password authentication over TCP so that wrong-password
cases are real. This module only re-exports it under the names the tests use.
"""

from __future__ import annotations

from infractl.verify_db.replay.scratch import Cluster, cluster_from_url, find_pg_bin, free_port, start_cluster

__all__ = ["Cluster", "cluster_from_url", "find_pg_bin", "free_port", "start_cluster"]
