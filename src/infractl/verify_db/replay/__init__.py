"""verify-db, replay: build the database the migrations build in a scratch PostgreSQL, then check it live."""
