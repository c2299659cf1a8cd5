import pytest


@pytest.mark.postgres
def test_cluster_answers_with_password(pg_database):
    import sqlalchemy as sa

    engine = sa.create_engine(pg_database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select 1")).scalar() == 1
    engine.dispose()
