"""Keep credentials out of everything infractl prints.

Two layers: patterns (``scheme://user:***@host``, ``password=***``, ``DB_PASSWORD: ***``) for text we know
nothing about, and literal secrets. A URL given to infractl is split by :func:`url_secrets` into every spelling its password
can take (as typed, percent-decoded, percent-encoded, and as a URL parser that mis-splits it would see
it); :func:`remember_secrets` adds them to a process-wide list that every later ``mask_text`` call
masks, including the error path and the ``INFRACTL_DEBUG=1`` traceback.
"""

from __future__ import annotations

import re


class LazyPattern:
    """A regular expression compiled on its first use. Most runs print nothing these patterns must scan
    (the substring tests below skip them), and compiling all of them costs ~2 ms of every start-up."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source, self._compiled = source, None

    def __getattr__(self, name: str):  # sub, search, match, finditer...: the compiled pattern's own
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return getattr(self._compiled, name)

# scheme://user:password@host -> scheme://user:***@host. The password runs to the LAST @ before the
# host, as people paste passwords with a raw @ in them; [^\s]* keeps it on one token.
_URL_PASSWORD = LazyPattern(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^\s]*?)(?P<tail>@(?=[^@\s]*(?:[/?#\s]|$)))")
# libpq keyword style: password=secret  /  PGPASSWORD=secret  / ?password=secret&...
_KEYWORD_PASSWORD = LazyPattern(r"(?i)(?P<head>\b(?:pg)?password\s*=\s*)(?!\*\*\*)(?P<pw>'[^']*'|[^\s&]+)")
# NAME=value, NAME: value, "NAME": "value" where NAME looks like it holds a credential (DB_PASSWORD,
# api-key, GITHUB_TOKEN, "client_secret"). The value is masked whatever it looks like, except when it is
# a reference to another variable (${{ secrets.X }}, ${X}, $X): that names a secret, it is not one.
SECRET_NAME = LazyPattern(r"(?i)PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API[_-]?KEY|PRIVATE[_-]?KEY|ACCESS[_-]?KEY|CREDENTIAL")
_SECRET_PAIR = LazyPattern(
    r"""(?i)(?P<head>(?P<q>["']?)(?<![\w.\-])[\w.\-]*(?:password|passwd|passphrase|secret|token|api[_\-]?key|private[_\-]?key"""
    r"""|access[_\-]?key|credential)[\w.\-]*(?P=q)[ \t]*(?:=|:(?!:))[ \t]*)"""
    r"""(?!\*\*\*)(?!\$\{\{[^}]*\}\}|\$\{?[A-Za-z_])(?P<value>"[^"]*"|'[^']*'|[^\s&,;'"]+)""")
# infractl's own messages name objects as "<kind> NAME: what is wrong" ("container secret-init: image ... has no
# tag", "secret WEBHOOK_SECRET: environment variable ... is not set"): a label and a name, not a pair.
_LABEL_BEFORE = LazyPattern(r"(?i)(?:^|[\s(])(?:init |ephemeral )?(?:container|service|statefulset|deployment|daemonset"
                            r"|replicaset|job|cronjob|pod|secret|configmap|volume|kubeconfig|step) $")
# Every SECRET_NAME match contains one of these; for ASCII text a substring test of the lowered text is exact.
_SECRET_WORDS = ("pass", "secret", "token", "key", "credential")
# a host part after the userinfo: names, IPv4/IPv6, ports, several hosts separated by commas
_HOST_PART = LazyPattern(r"^(?:\[[0-9A-Fa-f:.%\w]*\]|[\w.\-%~]*)(?::\d*)?(?:,(?:\[[0-9A-Fa-f:.]*\]|[\w.\-%~]*)(?::\d*)?)*$")

# A workflow's `permissions: id-token: write` names a token scope, not a token: its levels are no secret.
_PERMISSION = LazyPattern(r"""(?i)["']?id-token["']?[ \t]*:[ \t]*["']?(?:read|write|none)["']?$""")
# actions/checkout's `persist-credentials: false` (zizmor's artipacked names it) is a switch, not a credential
_PERSIST = LazyPattern(r"""(?i)["']?persist-credentials["']?[ \t]*:[ \t]*["']?(?:true|false)["']?$""")

# Credentials whose format is published (GitHub, AWS, Slack, GitLab, Stripe, Google, npm, PyPI, PEM private
# keys): masked wherever they appear in what infractl prints, and what lint-ci's CI012 finds in a workflow.
KNOWN_TOKENS = (
    ("a GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{22,255}\b"),
    ("an AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,250}"),
    ("a GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}"),
    ("a Stripe secret key", r"\b[sr]k_live_[A-Za-z0-9]{16,247}\b"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    ("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("a PyPI token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}"),
    ("a private key", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\s\S]*)"),
)
KNOWN_TOKEN = LazyPattern("|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(KNOWN_TOKENS)))
# every KNOWN_TOKEN match contains one of these: a substring test skips the scan of most text
_TOKEN_HINTS = ("hp_", "ho_", "hu_", "hs_", "hr_", "github_pat_", "AKIA", "ASIA", "xox", "glpat-", "k_live_", "AIza",
                "npm_", "pypi-", "PRIVATE KEY")


def known_tokens(text: str):
    """(what it is, start, end) of each credential of a published format in ``text``."""
    if not any(hint in text for hint in _TOKEN_HINTS):
        return
    for match in KNOWN_TOKEN.finditer(text):
        yield KNOWN_TOKENS[int(match.lastgroup[1:])][0], match.start(), match.end()


MASK = "***"
MIN_SECRET = 3  # shorter literals would mask ordinary text (a one-character password is masked by pattern)
_remembered: set[str] = set()
_remembered_longest_first: tuple[str, ...] = ()  # kept by remember_secrets: mask_text runs per finding field


def mask_url(url: str) -> str:
    """Replace the password in a URL (if any) with ``***``."""
    return _URL_PASSWORD.sub(lambda m: m.group("head") + MASK + m.group("tail"), url)


def mask_text(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """Mask literal secrets (given and remembered), URL passwords and ``password=...`` pairs."""
    # Longest first: a secret that contains another must go before the shorter one breaks it up.
    for secret in sorted({*secrets, *_remembered}, key=len, reverse=True) if secrets else _remembered_longest_first:
        if secret and len(secret) >= MIN_SECRET:
            text = text.replace(secret, MASK)
    # Both patterns need a literal ("://", "password"): a substring test skips their scan of every finding's
    # text. Only for ASCII text, where lower() and the patterns' IGNORECASE agree (ſ matches s, K matches k).
    if any(hint in text for hint in _TOKEN_HINTS):
        text = KNOWN_TOKEN.sub(MASK, text)
    if "://" in text:
        text = mask_url(text)
    if not text.isascii() or "password" in text.lower():
        text = _KEYWORD_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return text


def mask_secret_pairs(text: str) -> str:
    """Mask the values of secret-looking names (``DB_PASSWORD=...``, ``api_key: ...``, ``"TOKEN": "..."``)
    in text quoted from elsewhere (findings). Not part of ``mask_text``: infractl's own error messages
    say ``secret WEBHOOK_SECRET: environment variable ... is not set``, which this would mangle."""
    if text.isascii() and not any(word in text.lower() for word in _SECRET_WORDS):
        return text  # the common case, without a scan by either pattern
    if SECRET_NAME.search(text) is None:  # cheaper than the long pattern
        return text
    return _SECRET_PAIR.sub(_masked_pair, text)


def _masked_pair(match: re.Match) -> str:
    """``***`` in the quotes the value had, so masked JSON or YAML still reads as JSON or YAML; a value
    already masked (``password: postgresql://u:***@h/d``) is left readable."""
    value = match.group("value")
    if MASK in value or _PERMISSION.match(match.group(0)) or _PERSIST.match(match.group(0)):
        return match.group(0)
    head = match.group("head")
    if (not match.group("q") and head.rstrip(" \t").endswith(":") and value.isalpha() and value.islower()
            and match.string[match.end():match.end() + 1] == " " and _LABEL_BEFORE.search(match.string, 0, match.start())):
        return match.group(0)  # "container token-refresher: no limits": a label, its name, then a phrase
    return match.group("head") + (value[0] + MASK + value[0] if value[0] in "'\"" and len(value) > 1 else MASK)


def remember_secrets(secrets: tuple[str, ...] | list[str]) -> None:
    """Mask these in every later ``mask_text`` of this process (the error path included)."""
    global _remembered_longest_first
    _remembered.update(s for s in secrets if s)
    _remembered_longest_first = tuple(sorted(_remembered, key=len, reverse=True))


def remembered() -> tuple[str, ...]:
    """The secrets ``remember_secrets`` was given, longest first: a new tuple each time one is added (what a
    cache of masked text is keyed on)."""
    return _remembered_longest_first


def split_userinfo(raw: str) -> tuple[str, str, str | None, str] | None:
    """``scheme://user:password@rest`` -> (scheme, user, password, rest), by the rightmost-@ rule.

    The userinfo ends at the last ``@`` that is followed by something shaped like a host (and then
    ``/``, ``?`` or the end), so a raw ``@ : / # ?`` inside the password stays in the password.
    None when there is no userinfo. ``password`` is None when there is no ``:``.
    """
    scheme, sep, rest = raw.partition("://")
    if not sep:
        return None
    for at in reversed([i for i, ch in enumerate(rest) if ch == "@"]):
        after = rest[at + 1:]
        host = re.split(r"[/?]", after, maxsplit=1)[0]
        if _HOST_PART.match(host):
            user, colon, password = rest[:at].partition(":")
            return scheme, user, password if colon else None, after
    return None


def url_secrets(raw: str) -> tuple[str, ...]:
    """Every spelling of the password(s) in a URL however malformed it is, and the literal URL itself."""
    found: set[str] = set()
    split = split_userinfo(raw)
    if split is not None and split[2]:
        found.add(split[2])
    # what a first-@ parser (SQLAlchemy's, urllib's) takes as the password
    match = re.match(r"^[^:/]+://[^:/@]*:(?P<pw>[^@]*)@", raw)
    if match and match.group("pw"):
        found.add(match.group("pw"))
    for match in _KEYWORD_PASSWORD.finditer(raw):
        found.add(match.group("pw").strip("'"))
    for secret in list(found):
        # A parser that splits at the first @ / : ? # puts the rest of the password into the host, port or
        # path, and error messages quote those ("failed to resolve host 'ss%40word!Zq9@host'").
        for at in (i for i, ch in enumerate(secret) if ch in "@/?#:"):
            found.update(part for part in (secret[at + 1:], secret[:at]) if len(part) >= 4)
    from urllib.parse import quote, unquote  # only for a URL given to infractl: not on every run's path

    spellings = set()
    for secret in found:
        for form in (secret, unquote(secret), quote(secret, safe=""), quote(secret), quote(unquote(secret), safe="")):
            spellings.add(form)
            spellings.add(form.replace("%", "%25"))  # as a URL inside a URL, or a psycopg conninfo escape
    return tuple(s for s in spellings if s)
