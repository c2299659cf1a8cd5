"""CI012: a credential written into a workflow file.

A workflow is read by everyone who can read the repository (and, on a public one, by everyone): a
token in ``env:``, ``with:`` or a ``run:`` script is leaked the moment it is pushed, whatever the job
does with it. Only credentials of a published format are looked for (``masking.KNOWN_TOKENS``: GitHub,
AWS, Slack, GitLab, Stripe, Google, npm, PyPI tokens and PEM private keys), so a finding is a real
credential or a real-looking one, never a guess from a variable's name; the value itself is never shown.
"""

from __future__ import annotations

from collections.abc import Iterator

from infractl.findings import Finding
from infractl.lint_ci.rules import RULE
from infractl.load.yamldocs import PosDict, PosList
from infractl.sanitise.masking import known_tokens


def literal_credentials(path: str, workflow) -> Iterator[Finding]:
    for line, where, text in _strings(workflow, 1, ""):
        for kind, start, _ in known_tokens(text):
            # a block scalar (run: |) starts on the line after its key
            offset = text.count("\n", 0, start) + (1 if "\n" in text.rstrip("\n") else 0)
            yield RULE["CI012"].finding(
                path, line + offset, None, f"{kind} written into the workflow{where}: it is leaked to everyone "
                "who can read the repository", "revoke it now; then store it as a repository or environment "
                "secret and use ${{ secrets.NAME }}")


def _strings(node, line: int, where: str) -> Iterator[tuple[int, str, str]]:
    """(line, where, text) of every string key and value, depth first."""
    if isinstance(node, PosDict):
        for key, value in node.items():
            key_line = node.key_lines.get(key, line)
            inner = f"{where} at {key}" if not where else f"{where}.{key}"
            if isinstance(key, str):
                yield key_line, where, key
            yield from _strings(value, node.value_lines.get(key, key_line), inner)
    elif isinstance(node, PosList):
        for index, item in enumerate(node):
            yield from _strings(item, node.item_lines[index] if index < len(node.item_lines) else line, where)
    elif isinstance(node, str):
        yield line, where, node
