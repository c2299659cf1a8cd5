"""verify-db's rules, for the catalogue: the column rules and the static-only ones live in rules.py beside
check_column, the replay's in live/compare.py beside their checks; this is only their index."""

from __future__ import annotations

from infractl.verify_db import rules
from infractl.verify_db.live.compare import REPLAY_RULES
from infractl.verify_db.replay.migrated import NOT_MIGRATED

RULES = (*rules.RULES, *rules.MIGRATION_RULES, *REPLAY_RULES, NOT_MIGRATED)
