"""Load kustomize's output quickly: plain dicts and lists built from libyaml's parser events.

PyYAML's CSafeLoader parses in C but composes nodes and constructs objects in Python, which costs
~7x the parse itself on a few hundred objects. Kustomize's output is plain block YAML without anchors
or custom tags, so it is built straight from the parser events by the loop yamldocs' fast road uses
(load/yamlevents.py, without the lines), values typed exactly as SafeLoader types them, except that
timestamps stay strings, as the Kubernetes API reads them. Anything unusual (an alias, an explicit tag, a
merge key, a duplicate key, text that is not YAML) goes to yamldocs, which loads it or says where it
fails. tests/manifests compares both on real manifests.
"""

from __future__ import annotations

from typing import Any


def load_documents(text: str) -> list[Any]:
    """Every document of ``text``, as ``yaml.load_all(text, CSafeLoader)`` gives them (timestamps as str).
    LoadError for text that is not YAML, nests too deeply or expands too far."""
    from infractl.load.yamldocs import _NODE_MARGIN
    from infractl.load.yamldocs import load_documents as load_with_positions
    from infractl.load.yamlevents import load_plain

    documents = load_plain(text, len(text) + _NODE_MARGIN, text_timestamps=True, positions=False)
    return documents if documents is not None else load_with_positions(text, text_timestamps=True)
