"""verify-db, live: read timestamp columns from a PostgreSQL catalog, and compare two views of them."""
