"""zizmor's audits as infractl rules (ZZ001...): one Rule per audit, its id fixed for good (a new audit
gets the next free id at the end, nothing is ever renumbered). Light: nothing but the rule objects;
zizmor.py makes their findings.

Severity: zizmor gives each finding its own (an audit's findings differ: template-injection is high for
an attacker-controlled context and informational for a harmless one), mapped high -> error, medium ->
warning, low and informational -> info. The declared severity is the audit's usual one.
"""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
# (audit, usual severity, zizmor's own summary); the id is ZZ + the 1-based position here, so append only
AUDITS = (
    ("adhoc-packages", _W, "ad-hoc installation of packages"),
    ("anonymous-definition", _I, "workflow or action definition without a name"),
    ("archived-uses", _W, "action or reusable workflow from an archived repository"),
    ("artipacked", _W, "credential persistence through GitHub Actions artifacts"),
    ("bot-conditions", _E, "spoofable bot actor check"),
    ("cache-poisoning", _E, "runtime artifacts potentially vulnerable to a cache poisoning attack"),
    ("concurrency-limits", _I, "insufficient job-level concurrency limits"),
    ("dangerous-triggers", _E, "use of fundamentally insecure workflow trigger"),
    ("dependabot-cooldown", _W, "insufficient cooldown in Dependabot updates"),
    ("dependabot-execution", _E, "external code execution in Dependabot updates"),
    ("excessive-permissions", _W, "overly broad permissions"),
    ("forbidden-uses", _E, "forbidden action or repository used"),
    ("github-app", _E, "dangerous use of GitHub App tokens"),
    ("github-env", _E, "dangerous use of environment file"),
    ("hardcoded-container-credentials", _E, "hardcoded credential in a GitHub Actions container configuration"),
    ("impostor-commit", _E, "commit with no history in referenced repository"),
    ("insecure-commands", _E, "execution of insecure workflow commands is enabled"),
    ("insecure-url-scheme", _W, "use of an insecure URL scheme"),
    ("known-vulnerable-actions", _E, "action has a known vulnerability"),
    ("misfeature", _I, "usage of GitHub Actions misfeatures"),
    ("obfuscation", _I, "obfuscated usage of GitHub Actions features"),
    ("overprovisioned-secrets", _W, "excessively provisioned secrets"),
    ("ref-confusion", _W, "git ref for action with ambiguous ref type"),
    ("ref-version-mismatch", _W, "action's hash pin has a mismatched or missing version comment"),
    ("secrets-inherit", _W, "secrets unconditionally inherited by called workflow"),
    ("secrets-outside-env", _I, "secrets referenced without a dedicated environment"),
    ("self-hosted-runner", _W, "runs on a self-hosted runner"),
    ("self-repository", _I, "use of the repository's own actions by remote reference"),
    ("stale-action-refs", _I, "commit hash does not point to a Git tag"),
    ("superfluous-actions", _I, "action functionality is already included by the runner"),
    ("template-injection", _E, "code injection via template expansion"),
    ("typosquat-uses", _E, "repository name is a likely typosquat"),
    ("undocumented-permissions", _I, "permissions without explanatory comments"),
    ("unpinned-images", _E, "unpinned image references"),
    ("unpinned-tools", _W, "action installs an unpinned external tool"),
    ("unpinned-uses", _E, "unpinned action reference"),
    ("unredacted-secrets", _W, "leaked secret values"),
    ("unsafe-checkout", _E, "unsafe Git checkout"),
    ("unsound-condition", _E, "unsound conditional expression"),
    ("unsound-contains", _E, "unsound contains condition"),
    ("unsound-ternary", _W, "unsound pseudo-ternary expression"),
    ("use-trusted-publishing", _I, "prefer trusted publishing for authentication"),
)
AUDIT_IDS = {audit: f"ZZ{number:03d}" for number, (audit, _, _) in enumerate(AUDITS, start=1)}
OTHER = "ZZ099"  # an audit newer than this table: still reported, never dropped
UNAVAILABLE = "ZZ000"
FAILED = "ZZ098"

_RUNS = "needs the zizmor binary (or its absence, or a fake that crashes): tests/lint_ci/test_zizmor.py runs the real one"
_VARIES = ("zizmor's own severity for the finding: high is an error, medium a warning, low and informational "
           "are info")
_WHY = ("Reported by zizmor (run offline as part of lint-ci, with its own `# zizmor: ignore[...]` comments and "
        "configuration honoured); see https://docs.zizmor.sh/audits/ for the audit.")


def _audit_rule(rule_id: str, audit: str, severity: Severity, summary: str) -> Rule:
    return Rule(id=rule_id, name=f"zizmor-{audit}", severity=severity, command="lint-ci",
                summary=f"zizmor {audit}: {summary}", rationale=_WHY,
                fix=f"as zizmor's message says (https://docs.zizmor.sh/audits/#{audit}); to accept it, "
                    f"`# zizmor: ignore[{audit}]` on the line", aliases=(audit,) if audit != "other" else (),
                overlap="This is zizmor's own audit; infractl only folds it into one report.",
                varies=_VARIES, no_cases=_RUNS)


ZIZMOR_RULES = tuple(_audit_rule(AUDIT_IDS[audit], audit, severity, summary) for audit, severity, summary in AUDITS) + (
    _audit_rule(OTHER, "other", Severity.ERROR, "an audit this version of infractl does not know by name"),
    Rule(id=UNAVAILABLE, name="zizmor-unavailable", severity=Severity.INFO, command="lint-ci",
         summary="zizmor is not installed: its security audits were skipped",
         rationale="Workflow security (unpinned actions, template injection, dangerous triggers, cache "
                   "poisoning) is zizmor's job; without it only infractl's own rules and actionlint ran.",
         fix="pip install zizmor into infractl's environment (its 'actionlint' extra), or put zizmor on PATH",
         no_cases=_RUNS),
    Rule(id=FAILED, name="zizmor-failed", severity=Severity.ERROR, command="lint-ci",
         summary="zizmor crashed, was killed, timed out or gave no valid answer",
         rationale="A security audit that fails must not read as 'no problems': the run fails closed with "
                   "zizmor's whole message.",
         fix="run zizmor --offline on the files to see it fail; reinstall or fix it", no_cases=_RUNS),
)
