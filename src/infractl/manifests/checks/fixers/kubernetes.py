"""The Kubernetes hardening rules' automatic fixes (``Rule.fixer`` names them; imported only when fixing).

``secure_container(text, finding) -> fixes.Change | None``: the source file the finding names (a
kustomize base as well as a plain manifest: the finding's line is in that file) and one finding of
K8S104/K8S105/K8S106/K8S140. The setting the rule asks for is inserted into that container's
``securityContext`` (created when missing), in the style the file uses there: a line at the mapping's
indentation in block style, ``, key: value`` before the brace in flow style. Nothing is inserted when
the key is already there with another value (someone wrote it: a human decides), when the container
cannot be found in this file (a patch adds it), for runAsNonRoot on a container that runs as UID 0, or
for allowPrivilegeEscalation: false on a container that is privileged or adds CAP_SYS_ADMIN (the API
server refuses that pod: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true").
"""

from __future__ import annotations

from infractl.fixes import Change, Edit
from infractl.load import yamlnodes as nodes
from infractl.manifests.checks.workloads import POD_SPEC_PATHS

SETTINGS = {"K8S104": ("runAsNonRoot", "true"), "K8S105": ("readOnlyRootFilesystem", "true"),
            "K8S106": ("allowPrivilegeEscalation", "false"), "K8S140": ("capabilities", "{drop: [ALL]}")}
_DEFAULT_STEP = 2


def secure_container(text: str, finding, siblings=()) -> Change | None:
    """K8S104/K8S105/K8S106/K8S140 (unsafe: a container that writes to its root filesystem, runs as
    root, needs a setuid binary or a capability stops working). ``capabilities`` already there (an
    ``add:`` list) is for a human to merge. ``siblings``: the file's other findings of these rules (the
    engine's, ``fixes_siblings``); those on the same container are set in the same insertion, in their
    order (``Change.covers``), as one pass each would have added them."""
    documents = nodes.compose_documents(text)
    found = _container(documents, finding)
    if found is None:
        return None
    container, pod_spec = found
    context = nodes.entry(container, "securityContext")
    if context is not None and not nodes.is_mapping(context[1]):
        return None
    if not _may_set(finding.rule, container, pod_spec, context):
        return None
    own_key, own_value = SETTINGS[finding.rule]
    settings, covers = {own_key: own_value}, []
    for sibling in siblings:
        if sibling.rule not in SETTINGS or SETTINGS[sibling.rule][0] in settings:
            continue
        same = _container(documents, sibling)
        if same is None or same[0] is not container or not _may_set(sibling.rule, container, pod_spec, context):
            continue
        key, value = SETTINGS[sibling.rule]
        settings[key] = value
        covers.append((sibling, f"securityContext.{key}: {value}"))
    if context is None:
        edit = _insert(text, container, [("securityContext", settings)])
    else:
        edit = _insert(text, context[1], list(settings.items()))
    if edit is None:
        return None
    return Change((edit,), note=f"securityContext.{own_key}: {own_value}", covers=tuple(covers))


secure_container.fixes_siblings = True


def _may_set(rule: str, container, pod_spec, context) -> bool:
    """Whether ``rule``'s setting may be added to this container: not there with another value, no UID 0
    for runAsNonRoot (it never starts: the UID is for a human to choose), no allowPrivilegeEscalation:
    false beside privileged or CAP_SYS_ADMIN (the API server would refuse the pod: K8S107's business)."""
    if rule == "K8S104" and _runs_as_uid_0(container, pod_spec):
        return False
    if rule == "K8S106" and _escalates_anyway(container):
        return False
    return context is None or nodes.entry(context[1], SETTINGS[rule][0]) is None


def _objects(documents: list):
    for document in documents:
        items = nodes.value(document, "items")
        if nodes.is_sequence(items) and _scalar(nodes.value(document, "kind")) == "List":
            yield from (item for item in items.value if nodes.is_mapping(item))
        elif nodes.is_mapping(document):
            yield document


def _scalar(node) -> str:
    return node.value if node is not None and nodes.is_scalar(node) else ""


def _containers(obj):
    """(label, container name, container node, pod spec node) for each container of a workload."""
    kind = _scalar(nodes.value(obj, "kind"))
    path = POD_SPEC_PATHS.get(kind)
    spec = nodes.value(obj, *path) if path else None
    if not nodes.is_mapping(spec):
        return
    namespace = _scalar(nodes.value(obj, "metadata", "namespace"))
    label = f"{kind}/{namespace + '/' if namespace else ''}{_scalar(nodes.value(obj, 'metadata', 'name'))}"
    for group in ("containers", "initContainers"):
        listed = nodes.value(spec, group)
        for container in listed.value if nodes.is_sequence(listed) else ():
            if nodes.is_mapping(container):
                yield label, _scalar(nodes.value(container, "name")) or "?", container, spec


def _container(documents: list, finding):
    """The container the finding is about: the one starting on its line (by the name in its message when
    several do); without a line, the one whose object and name the message starts with."""
    candidates = [c for obj in _objects(documents) for c in _containers(obj)]
    if finding.line:
        candidates = [c for c in candidates if c[2].start_mark.line + 1 == finding.line]
        if len(candidates) > 1:
            candidates = [c for c in candidates if f" container {c[1]}: " in finding.message]
    else:
        candidates = [c for c in candidates if finding.message.startswith(f"{c[0]} container {c[1]}: ")]
    return (candidates[0][2], candidates[0][3]) if len(candidates) == 1 else None


def _runs_as_uid_0(container, pod_spec) -> bool:
    own = nodes.value(container, "securityContext", "runAsUser")
    user = own if own is not None else nodes.value(pod_spec, "securityContext", "runAsUser")
    return _scalar(user) in ("0", "00", "+0")


# What sigs.k8s.io/yaml (YAML 1.1) reads as true.
_TRUE = frozenset({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})


def _escalates_anyway(container) -> bool:
    """privileged: true or capabilities.add CAP_SYS_ADMIN: Kubernetes' validation refuses
    allowPrivilegeEscalation: false beside either (pkg/apis/core/validation, ValidateSecurityContext)."""
    if _scalar(nodes.value(container, "securityContext", "privileged")) in _TRUE:
        return True
    added = nodes.value(container, "securityContext", "capabilities", "add")
    return nodes.is_sequence(added) and any(_scalar(item) == "CAP_SYS_ADMIN" for item in added.value)


def _insert(text: str, mapping, entries: list[tuple[str, object]]) -> Edit | None:
    """``key: value`` for each of ``entries`` added after the mapping's last entry; a value is a scalar's
    text or a dict (a nested mapping, written in the mapping's own style)."""
    if mapping.flow_style:
        added = ", ".join(f"{key}: {_flow(value)}" for key, value in entries)
        if mapping.value:
            position = mapping.value[-1][1].end_mark.index
            return Edit(position, position, f", {added}")
        position = mapping.end_mark.index - 1
        return Edit(position, position, added) if text[position] == "}" else None
    if not mapping.value:
        return None
    column = mapping.value[0][0].start_mark.column
    indent, newline = " " * column, nodes.newline_of(text)
    lines = ""
    for key, value in entries:
        if isinstance(value, dict):
            child = " " * (column + _step(mapping))
            lines += f"{indent}{key}:{newline}" + "".join(f"{child}{k}: {v}{newline}" for k, v in value.items())
        else:
            lines += f"{indent}{key}: {value}{newline}"
    end = nodes.last_leaf_end(mapping)
    position = _after_own_comments(text, end if text[end - 1:end] == "\n" else nodes.line_end(text, end), column)
    if position == len(text) and not text.endswith("\n"):
        lines = newline + lines
    return Edit(position, position, lines)


def _flow(value) -> str:
    return f"{{{', '.join(f'{k}: {v}' for k, v in value.items())}}}" if isinstance(value, dict) else value


def _after_own_comments(text: str, position: int, column: int) -> int:
    """Past the comment lines indented deeper than the mapping's keys that follow its last entry (a
    commented-out env item belongs to ``env:``: the new key must not come between them)."""
    scan = position
    while scan < len(text):
        end = nodes.line_end(text, scan)
        line = text[scan:end]
        if line.strip():
            if not line.lstrip().startswith("#") or len(line) - len(line.lstrip(" ")) <= column:
                break
            position = end
        scan = end
    return position


def _step(mapping) -> int:
    """How far the file indents a nested block mapping here (2 when nothing in the mapping shows it)."""
    for key, child in mapping.value:
        if nodes.is_mapping(child) and not child.flow_style and child.value:
            step = child.value[0][0].start_mark.column - key.start_mark.column
            if step > 0:
                return step
    return _DEFAULT_STEP
