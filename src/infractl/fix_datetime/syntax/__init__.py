"""fix-datetime's view of Python source through ``ast``: positions as characters (``source.py``) and
libcst ScopeProvider's scope model rebuilt on ``ast`` (``scopes.py``: the model and the resolution of
accesses; ``scopewalk.py`` + ``scopestatements.py``: the one walk that records them)."""
