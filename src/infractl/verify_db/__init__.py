"""verify-db: timestamp columns must default to transaction time, in the database and the migrations."""
