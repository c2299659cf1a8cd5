import shutil

import pytest
from support.fixdt import FIXTURE


@pytest.fixture
def service(tmp_path, monkeypatch):
    """A writable copy of the fixture service tree, as the current directory."""
    tree = tmp_path / "service"
    shutil.copytree(FIXTURE, tree)
    monkeypatch.chdir(tree)
    return tree
