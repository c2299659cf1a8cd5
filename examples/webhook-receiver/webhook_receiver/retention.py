"""Delete stored webhook events older than a cutoff (their deliveries go with them: ON DELETE CASCADE).

    python -m webhook_receiver.retention --older-than 30d [--dry-run]

The cutoff is judged on ``received_at`` against the database's clock (``now()``), so the container's
clock does not matter. Prints one JSON line: {"deleted": N, "matched": N, "older_than_seconds": 2592000, "dry_run": false}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import timedelta

from sqlalchemy import create_engine, text

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(value: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", value)
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not an age such as 30d, 12h or 2w")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def purge(url: str, older_than: timedelta, dry_run: bool = False) -> int:
    engine = create_engine(url)
    seconds = older_than.total_seconds()
    where = "received_at < now() - make_interval(secs => :seconds)"
    with engine.begin() as connection:
        if dry_run:
            return connection.execute(text(f"SELECT count(*) FROM webhook_events WHERE {where}"),
                                      {"seconds": seconds}).scalar_one()
        return connection.execute(text(f"DELETE FROM webhook_events WHERE {where}"), {"seconds": seconds}).rowcount


def self_test(url: str, older_than: timedelta) -> dict:
    """Prove the cutoff on the live database without changing it: inside one transaction, insert marker
    events just older and just newer than the cutoff, run the real DELETE, check exactly the older
    markers went, and roll everything back."""
    import uuid

    seconds = older_than.total_seconds()
    ages = {"old_far": seconds + 864000, "old_near": seconds + 3600, "new_near": seconds - 3600, "new": 60}
    marker = f"retention-selftest-{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            for name, age in ages.items():
                connection.execute(text(
                    "INSERT INTO webhook_events (provider_event_id, event_type, payload, signature_valid, received_at)"
                    " VALUES (:id, 'retention.selftest', '{}', false, now() - make_interval(secs => :age))"),
                    {"id": f"{marker}-{name}", "age": age})
            deleted = set(connection.execute(text(
                "DELETE FROM webhook_events WHERE received_at < now() - make_interval(secs => :seconds) "
                "RETURNING provider_event_id"), {"seconds": seconds}).scalars())
        finally:
            transaction.rollback()
    markers_deleted = sorted(d.removeprefix(f"{marker}-") for d in deleted if d.startswith(marker))
    return {"ok": markers_deleted == ["old_far", "old_near"], "markers_deleted": markers_deleted,
            "rolled_back": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webhook_receiver.retention", description=__doc__.split("\n")[0])
    parser.add_argument("--older-than", type=parse_age, default=parse_age("30d"), metavar="AGE",
                        help="delete events received longer ago than this (default: 30d)")
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")
    parser.add_argument("--self-test", action="store_true",
                        help="check the cutoff on the live database in a transaction that is rolled back")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("error: DATABASE_URL is not set", file=sys.stderr)
        return 2
    if args.self_test:
        result = self_test(url, args.older_than)
        print(json.dumps(result))
        return 0 if result["ok"] else 1
    count = purge(url, args.older_than, args.dry_run)
    if not args.dry_run:
        from webhook_receiver.metrics import push_retention

        push_retention(count)
    print(json.dumps({"deleted": 0 if args.dry_run else count, "matched": count,
                      "older_than_seconds": int(args.older_than.total_seconds()), "dry_run": args.dry_run}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
