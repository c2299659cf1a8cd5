"""``fix-datetime --verify CMD``: let the project's own test suite decide what static analysis cannot.

Auto mode keeps a value naive when it cannot follow it (it leaves the module, its awareness is unknown).
With ``--verify``, those groups are tried aware in a private copy of the tree and CMD decides:
``suite`` runs CMD and reads each test's outcome, ``workspace`` is the private copy, ``search`` finds the
groups whose awareness changes an outcome (delta debugging over groups) within a ``Budget``, and
``driver`` puts it together and hands the decision back to the normal rewrite. The user's tree is written
once, at the end, through the one safe writer, and only if CMD agreed.
"""
