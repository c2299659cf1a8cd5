"""``manifests lint``'s compose rules (compose.py finds them: COMPOSE000-COMPOSE004, COMPOSE010); rules.py adds
them to its RULES and RULE, which lint.py makes the findings through. Light: nothing but rulebook here, and no
import of rules.py (which imports this module). Examples are compose files.
"""

from __future__ import annotations

from infractl.findings import Severity
from infractl.manifests.checks.fixers.examples import RECEIVER_PORT as _RECEIVER_PORT
from infractl.manifests.checks.fixers.examples import WEB_PORTS as _WEB_PORTS
from infractl.rulebook import Rule

COMMAND = "manifests lint"  # rules.py's COMMAND; not imported from there, which imports this module
E, W = Severity.ERROR, Severity.WARNING
_LOOPBACK = "infractl.manifests.checks.fixers.compose:bind_to_loopback"

_COMPOSE = """\
services:
  db:
    image: postgres:15.8
    environment:
      POSTGRES_PASSWORD: ${{POSTGRES_PASSWORD:?set by infractl deploy}}
    ports: ["{db_port}"]
    healthcheck: {{test: ["CMD", "pg_isready"], interval: 5s}}
  receiver:
    image: {image}
    environment:
      DATABASE_URL: {url}
{healthcheck}"""


def _compose(image="${RECEIVER_IMAGE:?set by infractl deploy}", url="postgresql://app@db:5432/app",
             db_port="127.0.0.1:5433:5432",
             healthcheck='    healthcheck: {test: ["CMD", "python", "-c", "import urllib.request"]}\n') -> str:
    return _COMPOSE.format(image=image, url=url, db_port=db_port, healthcheck=healthcheck)




# a path to compose's secret file is no secret: the official images' *_FILE, or an app that reads the file
_COMPOSE_SECRET_FILES = """\
services:
  db:
    image: mysql:8.4.3
    environment: [MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-password, DATABASE_PASSWORD=/run/secrets/db-password]
    secrets: [db-password]
secrets:
  db-password: {file: db/password.txt}
"""


def _rule(id, name, severity, summary, rationale, fix, bad, good, overlap="", **fixing) -> Rule:
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=fix, bad=bad, good=good, overlap=overlap, **fixing)


RULES = (
    _rule("COMPOSE000", "compose-file-not-loaded", E,
          "the compose file is YAML infractl will not load: a duplicate key, an alias bomb, not UTF-8, a syntax error",
          "docker compose refuses a duplicate key; a billion-laughs document expands without bound. Neither is "
          "expanded or guessed at: the file is reported and its services are not checked.",
          "fix the line shown", _compose().replace("    image: postgres:15.8\n", "    image: postgres:15.8\n" * 2),
          _compose()),
    _rule("COMPOSE001", "compose-image-not-pinned", E, "a compose service's image uses :latest or no tag",
          "The staging host runs whatever was last pulled or built under that name.",
          "pin a tag or digest; or take it from a variable the deploy sets (${RECEIVER_IMAGE:?...})",
          _compose(image="webhook-receiver"), _compose()),
    _rule("COMPOSE002", "compose-missing-healthcheck", W, "a compose service has no healthcheck",
          "`up --wait` can only wait for services to run, not to be ready. One-shot services (restart: \"no\" "
          "with a command, or waited for with condition: service_completed_successfully) and services in "
          "profiles are exempt; an overlay is checked merged with its base, as docker compose runs it.",
          "add a healthcheck", _compose(healthcheck=""), _compose()).replace(
        valid=(_compose(healthcheck='    command: alembic upgrade head\n    restart: "no"\n'),)),
    _rule("COMPOSE003", "compose-secret-literal", E, "a secret is written as a literal in environment:",
          "It is in the repository and in every `docker inspect`. A secret: a variable named like one (PASSWORD, "
          "TOKEN, SECRET, API_KEY ...), a URL with a password, or any value that is a credential of a published "
          "format (a GitHub, AWS, Slack, GitLab, Stripe, Google, npm or PyPI token, a private key).", "use ${VAR} set by the deploy, or secrets:",
          _compose(url="postgresql://app:hunter2@db:5432/app"), _compose(),
          valid=(_COMPOSE_SECRET_FILES,)),
    _rule("COMPOSE004", "compose-database-published", E, "a database port is published on every interface",
          "Anyone who reaches the host reaches the database.", "bind to 127.0.0.1 (127.0.0.1:5433:5432)",
          _compose(db_port="5433:5432"), _compose(),
          fix_safety="unsafe", fixer=_LOOPBACK,
          fix_cases=((_compose(db_port="5433:5432"), _compose()),
                     (_compose(db_port="0.0.0.0:5433:5432"), _compose()))),
    _rule("COMPOSE010", "compose-port-on-every-interface", W,
          "a dev or staging compose file publishes a port on every interface",
          "`8080:8080` listens on 0.0.0.0: on a laptop anyone on the same network, on a staging host anyone "
          "who reaches it, gets the service with its debug settings and test data, and Docker's own iptables "
          "rules let them through ufw or firewalld. Files count as dev or staging by name (dev, local, "
          "staging, test, ci, override: docker compose up merges docker-compose.override.yml on a developer's "
          "machine); database ports are COMPOSE004's.",
          "bind it to 127.0.0.1 (\"127.0.0.1:8080:8080\"); a reverse proxy or an SSH tunnel reaches it from "
          "elsewhere",
          _compose(healthcheck=_RECEIVER_PORT.format("8081:8081")),
          _compose(healthcheck=_RECEIVER_PORT.format("127.0.0.1:8081:8081")),
          fix_safety="unsafe", fixer=_LOOPBACK,
          fix_cases=((_compose(healthcheck=_RECEIVER_PORT.format("8081:8081")),
                      _compose(healthcheck=_RECEIVER_PORT.format("127.0.0.1:8081:8081"))),
                     (_WEB_PORTS.format("8080:8080", "'9090'", '"0.0.0.0:8443:8443/tcp"'),
                      _WEB_PORTS.format("127.0.0.1:8080:8080", "'127.0.0.1::9090'", '"127.0.0.1:8443:8443/tcp"'))),
          overlap="kube-linter, kube-score and hadolint do not read compose files; docker compose config "
                  "accepts it silently"),
)
