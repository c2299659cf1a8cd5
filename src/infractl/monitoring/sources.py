"""Where a repository's alert rules and Prometheus configurations are, in every shape real repositories use.

- a plain rule file (top-level ``groups:``) or Prometheus configuration (top-level ``scrape_configs:`` or
  ``rule_files:``): promtool reads the file itself;
- an operator's custom resource whose ``spec.groups`` are rule groups: the Prometheus operator's
  PrometheusRule (``monitoring.coreos.com``, and its ``monitoring.rhobs`` fork), VictoriaMetrics' VMRule.
  promtool is given the ``groups:`` block cut from the file, dedented and preceded by as many blank lines
  as stood above it, so every line it names is the file's own line;
- a ConfigMap whose ``data`` holds a rule file or a Prometheus configuration as a block of text, given to
  promtool the same way (padded to the line the text starts on);
- the operator's ScrapeConfig (``spec.staticConfigs``, ``spec.dnsSDConfigs``): one scrape job, for MON012.

Each file is read and loaded once; the groups and configuration documents keep the file's line numbers, so
infractl's own rules (MON002-MON005, MON012) point at the same lines promtool does.
"""

from __future__ import annotations

import re
from pathlib import Path

from infractl.load import LoadError, decode_utf8, read_bytes
from infractl.load.yamldocs import PosDict, PosList, YamlError, load_documents

# kind -> the API groups whose resource of that kind carries Prometheus rule groups in spec.groups.
RULE_RESOURCES = {"PrometheusRule": ("monitoring.coreos.com", "monitoring.rhobs"),
                  "VMRule": ("operator.victoriametrics.com",)}
PROMQL_KINDS = ("PrometheusRule",)  # VMRule's expressions are MetricsQL, which promtool does not parse
CONFIG_KEYS = ("scrape_configs", "rule_files")
# Fields of the operator's rule groups that promtool 2.x does not know: Thanos' partial_response_strategy,
# query_offset and group labels (newer Prometheus). Valid in the resource; promtool must not see them.
OPERATOR_GROUP_FIELDS = ("partial_response_strategy", "query_offset", "labels")
_KUBERNETES_OBJECT = re.compile(r"^(apiVersion|kind):", re.MULTILINE)
_TEMPLATE_TAG = re.compile(r"\{[{%]")
_RULE_RESOURCE = re.compile(r"^kind:\s*[\"']?(PrometheusRule|VMRule|ConfigMap)\b", re.MULTILINE)


class RuleSource:
    """The rule groups one file holds in one place. ``text`` is what promtool reads (None: the file itself),
    ``shift`` how many columns it was dedented by (None: its columns are not the file's); ``promql``: whether
    promtool can judge the expressions."""

    def __init__(self, path: Path, groups: list[PosDict], text: str | None, promql: bool = True,
                 shift: int | None = 0) -> None:
        self.path, self.groups, self.text, self.promql, self.shift = path, groups, text, promql, shift


class ConfigSource:
    """One Prometheus configuration: its loaded document (the file's lines) and promtool's text as above."""

    def __init__(self, path: Path, document: PosDict, text: str | None, shift: int = 0) -> None:
        self.path, self.document, self.text, self.shift = path, document, text, shift


class Sources:
    """What the rule and configuration candidates of a tree hold, and the files that could not be loaded."""

    def __init__(self) -> None:
        self.rules: list[RuleSource] = []
        self.configs: list[ConfigSource] = []
        self.unloaded: list[tuple[Path, LoadError]] = []  # MON011, each once
        self.templates: list[Path] = []  # not YAML where a template tag stands: not judged, but counted
        self.operator_scrapes: list[ConfigSource] = []  # ScrapeConfig resources as one-job configs (MON012 only)


def read_sources(rule_candidates: list[Path], config_candidates: list[Path], read=read_bytes) -> Sources:
    """The rule groups and configurations in the candidate files (each read and loaded once, ``read``: the
    run's scanner). A file that is YAML but not loadable is MON011's; one that is not YAML at all goes to
    promtool as it is when it looks like a plain rule file (promtool reports the syntax error, with its
    position), is MON011's too when it holds a rule-bearing resource (promtool would only say 'field
    apiVersion not found'), and is left to the manifests area when it holds other Kubernetes objects."""
    sources = Sources()
    rule_set, config_set = set(rule_candidates), set(config_candidates)
    for path in dict.fromkeys([*rule_candidates, *config_candidates]):
        wants_rules, wants_config = path in rule_set, path in config_set
        try:
            text = decode_utf8(read(str(path)))
        except OSError as exc:
            sources.unloaded.append((path, LoadError(f"cannot be read: {exc.strerror}")))
            continue
        except LoadError as exc:
            sources.unloaded.append((path, exc))
            continue
        try:
            documents = load_documents(text)
        except YamlError as exc:
            lines = text.splitlines()
            if exc.line and exc.line <= len(lines) and _TEMPLATE_TAG.search(lines[exc.line - 1]):
                sources.templates.append(path)  # Jinja, Liquid, Go: what it holds is known once rendered
            elif _RULE_RESOURCE.search(text):
                sources.unloaded.append((path, exc))
            elif _KUBERNETES_OBJECT.search(text):
                continue  # another kind of object (a CRD whose schema mentions alerts): the manifests area's
            elif wants_rules:
                sources.rules.append(RuleSource(path, [], None))
            else:
                sources.configs.append(ConfigSource(path, PosDict(), None))
            continue
        except LoadError as exc:
            sources.unloaded.append((path, exc))
            continue
        lines = text.splitlines()
        for document in documents:
            if not isinstance(document, PosDict):
                continue
            if wants_rules and "groups" in document and "kind" not in document:
                sources.rules.append(RuleSource(path, _groups(document["groups"]), None))
            elif wants_config and _is_config(document):
                sources.configs.append(ConfigSource(path, document, None))
            elif _is_rule_resource(document):
                spec = document["spec"]
                groups, line = _groups(spec["groups"]), spec.key_lines["groups"]
                text = _block(lines, line, groups)
                shift = _indent(lines[line - 1]) if text is not None else None
                sources.rules.append(RuleSource(path, groups, text if text is not None else _flow(groups, line),
                                                document.get("kind") in PROMQL_KINDS, shift))
            elif _is_scrape_resource(document):
                sources.operator_scrapes.append(ConfigSource(path, _scrape_job(document), None))
            elif document.get("kind") == "ConfigMap" and isinstance(document.get("data"), PosDict):
                _embedded(path, document["data"], lines, sources, wants_rules, wants_config)
    return sources


def _is_config(document: PosDict) -> bool:
    """A Prometheus configuration; not a Kubernetes object, nor a ``promtool test rules`` file (which has
    ``rule_files:`` and ``tests:``, and which ``check config`` would reject field by field)."""
    return "kind" not in document and "tests" not in document and any(key in document for key in CONFIG_KEYS)


def _groups(groups) -> list[PosDict]:
    return [group for group in groups if isinstance(group, PosDict)] if isinstance(groups, PosList) else []


def _is_rule_resource(document: PosDict) -> bool:
    api_groups = RULE_RESOURCES.get(document.get("kind"))
    api_version = document.get("apiVersion")
    spec = document.get("spec")
    return bool(api_groups) and isinstance(api_version, str) and api_version.split("/")[0] in api_groups \
        and isinstance(spec, PosDict) and isinstance(spec.get("groups"), PosList)


def _is_scrape_resource(document: PosDict) -> bool:
    api_version = document.get("apiVersion")
    return document.get("kind") == "ScrapeConfig" and isinstance(api_version, str) \
        and api_version.split("/")[0] in RULE_RESOURCES["PrometheusRule"] and isinstance(document.get("spec"), PosDict)


def _scrape_job(document: PosDict) -> PosDict:
    """The operator's ScrapeConfig as the configuration of its one job (its static and DNS targets, which
    keep the file's lines): what scrape.py judges. promtool is not given it: the operator writes the job."""
    spec, metadata = document["spec"], document.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    job = PosDict(job_name=f"scrapeConfig/{name}", static_configs=spec.get("staticConfigs") or [],
                  dns_sd_configs=spec.get("dnsSDConfigs") or [])
    return PosDict(scrape_configs=PosList([job]))


def _block(lines: list[str], key_line: int, groups: list[PosDict]) -> str | None:
    """The ``groups:`` block starting at ``key_line`` (1-based), dedented, after ``key_line - 1`` blank
    lines: a rule file whose line numbers are the original's. The operator's group fields promtool does not
    know are blanked: it would stop at them and never parse the expressions. None when the block cannot be
    cut by lines (flow style: ``spec: {groups: [...]}``)."""
    lines = list(lines)
    for group in groups:
        for key in OPERATOR_GROUP_FIELDS:
            if key in group:
                if not lines[group.key_lines[key] - 1].strip().removeprefix("- ").startswith(f"{key}:"):
                    return None
                _blank_entry(lines, group.key_lines[key])
    first = lines[key_line - 1]
    indent = _indent(first)
    if not first[indent:].startswith("groups:"):
        return None
    block = [first[indent:]]
    for raw in lines[key_line:]:
        stripped = raw.strip()
        depth = len(raw) - len(raw.lstrip(" "))
        if not stripped or (stripped.startswith("#") and depth <= indent):
            block.append("")
        elif depth > indent or (depth == indent and (stripped == "-" or stripped.startswith("- "))):
            block.append(raw[indent:])
        else:
            break  # the next key of spec, or the document's end
    return "\n" * (key_line - 1) + "\n".join(block) + "\n"


def _flow(groups: list[PosDict], key_line: int) -> str:
    """The groups as one line of JSON (which is YAML) on ``key_line``: promtool's lines are that line, its
    columns unknown."""
    import json

    cleaned = [{key: value for key, value in group.items() if key not in OPERATOR_GROUP_FIELDS} for group in groups]
    return "\n" * (key_line - 1) + "groups: " + json.dumps(cleaned, default=str) + "\n"


def _blank_entry(lines: list[str], line: int) -> None:
    """Blank the mapping entry whose key is on ``line`` (1-based): that line and those indented deeper."""
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" "))
    lines[line - 1] = ""
    for index in range(line, len(lines)):
        stripped = lines[index].strip()
        if stripped and len(lines[index]) - len(lines[index].lstrip(" ")) <= indent:
            break
        lines[index] = ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _embedded(path: Path, data: PosDict, lines: list[str], sources: Sources, wants_rules: bool,
              wants_config: bool) -> None:
    """A ConfigMap's data values that are rule files or Prometheus configurations, loaded with the file's
    line numbers (a block scalar's text starts the line after its key; a one-line value is placed on it)."""
    for key, value in data.items():
        if not isinstance(value, str) or "\n" not in value:
            continue
        start = data.value_lines[key] + (1 if key in data.block_scalars else 0)
        padded = "\n" * (start - 1) + value
        shift = _indent(lines[start - 1]) if key in data.block_scalars and start <= len(lines) else 0
        try:
            documents = load_documents(padded)
        except LoadError:
            continue  # a value that is not YAML is none of monitoring's business
        for document in documents:
            if not isinstance(document, PosDict) or "kind" in document:
                continue
            if wants_rules and isinstance(document.get("groups"), PosList):
                sources.rules.append(RuleSource(path, _groups(document["groups"]), padded, shift=shift))
            elif wants_config and _is_config(document):
                sources.configs.append(ConfigSource(path, document, padded, shift))
