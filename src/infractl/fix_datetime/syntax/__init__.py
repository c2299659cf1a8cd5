"""fix-datetime's view of Python source through ``ast``: positions as characters (``source.py``) and
libcst ScopeProvider's scope model rebuilt on ``ast`` (``scopes.py``, walked by ``scopewalk.py``)."""
