"""verify-db, static: read an Alembic versions directory with ``ast`` and judge the columns it leaves behind."""
