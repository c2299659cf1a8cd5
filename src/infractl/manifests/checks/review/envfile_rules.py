"""``check``'s env-files area (ENV001-ENV003), beside envfiles.py that finds them. Light: nothing but
rulebook here.

A case is an env file's text; the runner (tests/support/rule_cases.py) writes it as ``.env`` beside a
compose file, in a directory that is not a git repository (so present and not ignored is committed).
"""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

COMMAND = "check"  # no command of its own: check's envfiles area (as monitoring's rules)

_ENV = """\
# compose reads this file for ${{VAR}} in compose.yml
PROJECT_NAME=webhooks
POSTGRES_USER=webhooks
{line}
"""


def _env(line: str) -> str:
    return _ENV.format(line=line)


_VALUE_NEVER_SHOWN = " The value is never shown, in any output format: findings name the key and the line."
_SECRET_NAMES = ("Secret-looking keys: words PASSWORD, PASSWD, SECRET, TOKEN, CREDENTIAL(S), PW, PWD, PASS "
                 "(not alone), or a name ending in _KEY (not PUBLIC/PUBLISHABLE/ANON/SITE keys, not *_FILE/*_PATH/*_ID), and any "
                 "key whose value is a URL with a password (DATABASE_URL) or a credential of a published format (a "
                 "GitHub, AWS, Slack, GitLab, Stripe, Google, npm or PyPI token, a private key).")
_COMMITTED = ("An env file is .env, *.env or .env.*; it is committed when git tracks it (git ls-files, even if "
              ".gitignore lists it now) or, outside a git repository, when it is present and not ignored.")

RULES = (
    Rule(id="ENV001", name="env-file-secret-committed", severity=Severity.ERROR, command=COMMAND,
         summary="a committed env file holds a real-looking value for a secret-looking key",
         rationale="Everyone who can read the repository (and its history, for ever) has the secret. "
                   + _COMMITTED + " " + _SECRET_NAMES + " A value that is empty, a ${VAR} reference or a "
                   "placeholder (changethis, <...>, your-..., password, postgres) is not real-looking: "
                   "ENV002 judges those." + _VALUE_NEVER_SHOWN,
         fix="rotate the secret, remove the file from git (git rm --cached) and commit an .env.example with "
             "placeholders; let the deploy set the value",
         bad=_env("SECRET_KEY=9f3b2c71d0e84a5f9c6e2b7a1d4f8e03"), good=_env("SECRET_KEY="),
         invalid=(_env("DATABASE_URL=postgresql://webhooks:Zq8vK2mT4x@db:5432/webhooks"),
                  _env("export STRIPE_API_KEY='sk_live_51HqLyjWDarjtT1zdp7dc'")),
         valid=(_env("DATABASE_URL=postgresql://webhooks:${POSTGRES_PASSWORD}@db:5432/webhooks"),
                _env("NEXT_PUBLIC_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiJ9"),
                _env("POSTGRES_PASSWORD_FILE=/run/secrets/postgres"), _env("SECRET_KEY=changethis")),
         overlap="gitleaks and trufflehog find secrets by pattern in any file; neither asks whether compose "
                 "reads the file or the value is a placeholder"),
    Rule(id="ENV002", name="env-file-placeholder-secret", severity=Severity.WARNING, command=COMMAND,
         summary="a secret-looking key holds a placeholder (changethis) in an env file that compose reads",
         rationale="Compose reads .env beside a compose file for ${VAR}, and every env_file: a service names: "
                   "unless the deploy's environment overrides the key, the service runs with a secret anyone "
                   "can read in the repository. Only files compose (or infractl deploy's compose files) read "
                   "are judged: an .env.example nobody reads is what examples are for." + _VALUE_NEVER_SHOWN,
         fix="leave the value empty in the committed file and require it where compose uses it: "
             "${NAME:?set by the deploy}",
         bad=_env("SECRET_KEY=changethis"), good=_env("SECRET_KEY="),
         invalid=(_env("POSTGRES_PASSWORD=postgres"), _env("FIRST_SUPERUSER_PASSWORD=<your password>")),
         valid=(_env("SECRET_KEY=${SECRET_KEY:?set by the deploy}"),)),
    Rule(id="ENV003", name="env-files-not-judged", severity=Severity.ERROR, command=COMMAND,
         summary="an env file cannot be read, or git cannot say which env files it tracks",
         rationale="Fail closed: an input that cannot be read is a finding on it, never silence. When git "
                   "fails (not installed, a repository owned by another user) the files are judged as "
                   "outside a repository (present and not ignored), and this finding says so; when no env "
                   "file is present at all there is nothing to judge and nothing is reported.",
         fix="make the file readable, or fix what git's message names (git config --global --add "
             "safe.directory DIR for another user's repository)",
         bad="", good="", no_cases="it needs an unreadable file or a failing git, which a text case cannot be"),
)
RULE = {rule.id: rule for rule in RULES}
