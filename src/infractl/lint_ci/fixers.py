"""lint-ci's automatic fixes, one function per rule (``Rule.fixer`` names them; imported only when fixing).

Each is ``fixer(text, finding) -> fixes.Change | None``: the workflow (or, for CI007, the test file) as
text and one finding of its rule on it. The YAML is composed again with exact positions
(``load.yamlnodes``) and only the characters the fix is about are replaced; None when this finding
cannot be fixed safely here (it stays a finding for a human).
"""

from __future__ import annotations

from infractl.fixes import Change, Edit, line_offsets
from infractl.lint_ci.workflow_rules import NEUTRALISED, TEST_COMMAND
from infractl.load import yamlnodes as nodes

_FLOAT = "tag:yaml.org,2002:float"
_MAX_NEUTRALISERS = 20  # per line: a line of hundreds of '|| true' is not a command anyone wrote


def _jobs(text: str, documents: list | None = None):
    """Every job mapping node of every document."""
    for document in nodes.compose_documents(text) if documents is None else documents:
        jobs = nodes.value(document, "jobs")
        if nodes.is_mapping(jobs):
            yield from (job for _, job in jobs.value if nodes.is_mapping(job))


def _steps(job):
    steps = nodes.value(job, "steps")
    return [step for step in steps.value if nodes.is_mapping(step)] if nodes.is_sequence(steps) else []


def quote_float_versions(text: str, finding) -> Change | None:
    """CI008 (safe): ``[3.10, 3.11]`` -> ``['3.10', 3.11]``: the version as written, quoted with the quote
    the file already uses most (``'`` if it quotes nothing). Every flagged item on the finding's line."""
    documents = nodes.compose_documents(text)
    quote = nodes.quote_style(documents)
    edits = []
    for job in _jobs(text, documents):
        matrix = nodes.value(job, "strategy", "matrix")
        for _, values in matrix.value if nodes.is_mapping(matrix) else ():
            for item in values.value if nodes.is_sequence(values) else ():
                if (nodes.is_scalar(item) and item.style is None and item.tag == _FLOAT
                        and item.value.rstrip("0") != item.value and item.start_mark.line + 1 == finding.line):
                    edits.append(Edit(item.start_mark.index, item.end_mark.index, f"{quote}{item.value}{quote}"))
    return Change(tuple(edits), note="version quoted: YAML read it as a number") if edits else None


def remove_neutraliser(text: str, finding) -> Change | None:
    """CI001 (unsafe): ``pytest -q || true`` -> ``pytest -q`` (also ``; true``, ``|| exit 0``, ``|| :``,
    ``|| echo ...``) on the finding's line of a step's ``run:`` script. ``set +e`` and a final ``exit 0``
    need a human (what else the script relies on is not known here)."""
    offsets = line_offsets(text)
    if not finding.line or finding.line > len(offsets):
        return None
    start = offsets[finding.line - 1]
    end = nodes.line_end(text, start)
    script = next((run for job in _jobs(text) for step in _steps(job)
                   if (run := nodes.value(step, "run")) is not None and nodes.is_scalar(run)
                   and run.start_mark.index < end and run.end_mark.index > start), None)
    if script is None or script.style not in (None, "|", ">"):
        return None  # a quoted script has escapes: positions in the text are not positions in the script
    low, high = max(start, script.start_mark.index), min(end, script.end_mark.index)
    command = text[low:high].rstrip("\r\n").split("#", 1)[0]  # as the rule reads it
    if not TEST_COMMAND.search(command):
        return None
    fixed = _without_neutralisers(command)
    if fixed == command:
        return None
    return Change((Edit(low, low + len(command), fixed),), note="neutraliser removed: a failing test fails the step")


def _without_neutralisers(command: str) -> str:
    """``command`` with each neutraliser the rule sees removed, with the blank before it; what follows
    (a ``;``, the blank before a comment) stays."""
    for _ in range(_MAX_NEUTRALISERS):
        match = NEUTRALISED.search(command)
        if match is None:
            return command
        group = 1 if match.group(1) is not None else 3
        core_end = match.start(group) + len(match.group(group).rstrip())
        cut = match.start()
        while cut > 0 and command[cut - 1] in " \t":
            cut -= 1
        command = command[:cut] + command[core_end:]
    return command


def remove_continue_on_error(text: str, finding) -> Change | None:
    """CI002 (unsafe): the ``continue-on-error: true`` entry of the job or step on the finding's line,
    removed with its line. In a flow mapping, or spread over lines, it is left to a human."""
    for job in _jobs(text):
        for holder in (job, *_steps(job)):
            found = nodes.entry(holder, "continue-on-error")
            if found is not None and found[0].start_mark.line + 1 == finding.line:
                return _remove_entry(text, holder, *found)
    return None


def _remove_entry(text: str, mapping, key, value) -> Change | None:
    if mapping.flow_style or not nodes.is_scalar(value) or value.value.strip().lower() != "true":
        return None
    if value.end_mark.line != key.start_mark.line:
        return None
    opening = text[nodes.line_start(text, key.start_mark.index):key.start_mark.index]
    if not opening.strip():  # the key opens its line: the line goes, with its comment
        start = nodes.line_start(text, key.start_mark.index)
        edit = Edit(start, nodes.line_end(text, value.end_mark.index), "")
    elif opening.strip() == "-":  # "- continue-on-error: true": the next key takes its place after "- "
        index = next(i for i, (k, _) in enumerate(mapping.value) if k is key)
        if index + 1 >= len(mapping.value):
            return None
        following = mapping.value[index + 1][0].start_mark.index
        if "#" in text[value.end_mark.index:following]:
            return None  # a comment between them would be lost
        edit = Edit(key.start_mark.index, following, "")
    else:
        return None
    return Change((edit,), note="continue-on-error removed: failing tests fail the run again")


def gate_service_skip(text: str, finding) -> Change | None:
    """CI007 (as fix-skips): the service-needing skip at the finding's position gated on RUN_E2E_TESTS by
    fix-skips' own transform; its result as one edit over the span it changed. A skip whose reason names
    no service is left alone (fix-skips' FS002: gating it would hide a problem)."""
    from infractl.fix_skips.transform import DEFAULT_ENV, transform_source

    try:
        result = transform_source(text, DEFAULT_ENV, lambda skip: (skip.line, skip.column) == (finding.line, finding.column))
    except SyntaxError:
        return None
    if not result.fixed or result.code == text:
        return None
    return Change((_changed_span(text, result.code),), note=f"gated on {DEFAULT_ENV}")


def _changed_span(old: str, new: str) -> Edit:
    """One edit that turns ``old`` into ``new``: the span between their common prefix and suffix."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return Edit(prefix, len(old) - suffix, new[prefix:len(new) - suffix])

