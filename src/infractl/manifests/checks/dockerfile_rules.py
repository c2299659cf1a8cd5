"""``manifests lint``'s Dockerfile rules, one object each, beside dockerfile.py that finds them and makes
every finding through ``RULE[id]``. Light: nothing but rulebook here.

Each rule's ``bad`` Dockerfile must trigger it and its ``good`` one must not (tests/manifests run them).
"""

from __future__ import annotations

from infractl.findings import Severity
from infractl.manifests.checks.rules import manifests_rule as _rule

E, W = Severity.ERROR, Severity.WARNING
_FIXERS = "infractl.manifests.checks.fixers.dockerfile"
_SLIM = "FROM python:3.12-slim\nRUN pip install app==1.0\n"

_DOCKERFILE = """\
ARG BASE_IMAGE=python:3.12.7-slim
FROM ${{BASE_IMAGE}} AS build
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir gunicorn==23.0.0

FROM {base}
COPY --from=build /opt/venv /opt/venv
{add}ENV PORT=8000{env}
RUN useradd --system --uid 10001 app
{user}CMD {cmd}
"""


def _dockerfile(base="${BASE_IMAGE}", add="", env="", user="USER 10001:10001\n",
                cmd='["/opt/venv/bin/gunicorn", "app:application"]') -> str:
    return _DOCKERFILE.format(base=base, add=add, env=env, user=user, cmd=cmd)


RULES = (
    _rule("DOCKER001", "dockerfile-base-not-pinned", E, "a FROM image uses :latest or no tag",
          "Each build takes whatever the tag points at that day: the image that passed staging is not the one "
          "that ships, and a rebuild can break with no change in the repository. An ARG default counts as "
          "the value FROM uses; an ARG without default (set by --build-arg) is not judged.",
          "pin a version tag or a digest (python:3.12.7-slim, image@sha256:...)",
          _dockerfile(base="python"), _dockerfile(),
          overlap="hadolint DL3006 (no tag) and DL3007 (:latest); hadolint does not follow an ARG default"),
    _rule("DOCKER002", "dockerfile-runs-as-root", W, "the final stage sets no USER, or USER root / 0",
          "A process running as root in the container is root on the host once it escapes, and can write "
          "everywhere in the image. Only the final stage counts (it is what runs); a stage built FROM an "
          "earlier stage inherits its USER. A base image may set its own USER, which infractl cannot see: "
          "say it again in the Dockerfile.",
          "create an unprivileged user and end with USER 10001:10001 (a numeric UID, so runAsNonRoot can "
          "verify it)",
          _dockerfile(user=""), _dockerfile(),
          overlap="hadolint DL3002 reports an explicit last USER root only, not a missing USER",
          fix_safety="unsafe", fixer=f"{_FIXERS}:add_user",
          fix_cases=((_dockerfile(user=""), _dockerfile()),
                     (_SLIM + 'EXPOSE 8000\n# the server\nCMD ["app"]\n',
                      _SLIM + 'EXPOSE 8000\nUSER 10001:10001\n# the server\nCMD ["app"]\n'),
                     (_SLIM.replace("\n", "\r\n").rstrip(), _SLIM.replace("\n", "\r\n") + "USER 10001:10001\r\n"))),
    _rule("DOCKER003", "dockerfile-secret-literal", E, "a secret is written as a literal in the Dockerfile",
          "ENV values are stored in the image config (docker inspect shows them), ARG values and every RUN "
          "command line in its history: everyone who can pull the image has the secret. In ENV and ARG, by "
          "name: words PASSWORD, PASSWD, SECRET, TOKEN, CREDENTIAL(S), API_KEY, PRIVATE_KEY, SECRET_KEY, "
          "ACCESS_KEY ... (not *_FILE, *_PATH, *_ID), or a URL with a password; in any instruction, a "
          "credential of a published format (a GitHub, AWS, Slack, GitLab, Stripe, Google, npm or PyPI token, "
          "a private key), whatever its name. The value is never shown.",
          "pass it at run time (environment, secret store) or at build time with RUN --mount=type=secret",
          _dockerfile(env=" WEBHOOK_SECRET=whsec_dev_only"),
          _dockerfile(env=" WEBHOOK_SECRET_FILE=/run/secrets/webhook"),
          overlap="BuildKit's SecretsUsedInArgOrEnv check (docker build --check) flags names only; "
                  "hadolint has no such rule"),
    _rule("DOCKER004", "dockerfile-unverified-download", W, "ADD downloads a remote URL without --checksum",
          "Whatever the server (or anyone between) returns goes into the image unchecked, and the layer "
          "changes whenever the file does.",
          "ADD --checksum=sha256:<digest> URL DEST, or RUN curl -fsSLo FILE URL && sha256sum -c",
          _dockerfile(add="ADD https://pki.example.org/ca.pem /etc/ssl/certs/ca.pem\n"),
          _dockerfile(add="ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
                          "https://pki.example.org/ca.pem /etc/ssl/certs/ca.pem\n"),
          overlap="hadolint DL3020 is about ADD for local files; it does not flag unverified URLs"),
    _rule("DOCKER005", "dockerfile-shell-form-cmd", W, "the final CMD or ENTRYPOINT is in shell form",
          "Shell form runs /bin/sh -c as PID 1: docker stop's SIGTERM goes to the shell, not the application, "
          "which is killed after the grace period without shutting down cleanly. A shell command that starts "
          "with exec is accepted.",
          'CMD ["executable", "arg", ...]; or CMD ["sh", "-c", "... && exec app"]',
          _dockerfile(cmd="/opt/venv/bin/gunicorn app:application"), _dockerfile(),
          overlap="hadolint DL3025; BuildKit's JSONArgsRecommended check",
          # unsafe: the application becomes PID 1 (signals reach it: the point), and an ENTRYPOINT inherited
          # from the base image, which the fixer cannot see, then gets the command itself, not
          # /bin/sh -c command (found on kubernetes/examples' redis-slave: FROM redis + CMD /run.sh)
          fix_safety="unsafe", fixer=f"{_FIXERS}:exec_form",
          fix_cases=((_dockerfile(cmd="/opt/venv/bin/gunicorn app:application"), _dockerfile()),
                     (_dockerfile(cmd="gunicorn --bind '0.0.0.0:8000' \"app:application\"  "),
                      _dockerfile(cmd='["gunicorn", "--bind", "0.0.0.0:8000", "app:application"]  ')),
                     ("FROM python:3.12-slim\nUSER 10001\nentrypoint python -m app\n",
                      'FROM python:3.12-slim\nUSER 10001\nentrypoint ["python", "-m", "app"]\n'))),
    _rule("DOCKER006", "dockerfile-base-tag-floating", W,
          "a FROM image's tag names a major or major.minor line (python:3.14, node:20-alpine), not a release",
          "The publisher moves python:3.14 to every new 3.14.x: two builds a week apart start from different "
          "images, and the one that passed CI is not the one that ships. Unlike :latest it cannot jump a major "
          "version, hence a warning. A digest, a full 1.2.3 tag, a date tag, a tag that is no version "
          "(bookworm) and PostgreSQL's two-number releases (postgres:17.2) pass.",
          "pin the full version (python:3.12.7-slim) or a digest (image@sha256:...); let a bot (Renovate, "
          "Dependabot) move it",
          _dockerfile(base="python:3.14-slim"), _dockerfile(),
          overlap="hadolint and BuildKit's checks accept any explicit tag",
          invalid=(_dockerfile(base="node:20-alpine"), _dockerfile(base="postgres:18")),
          valid=(_dockerfile(base="python:3.12.7-slim@sha256:" + "0" * 64), _dockerfile(base="postgres:17.2"),
                 _dockerfile(base="debian:bookworm-20240904-slim"))),
)
RULE = {rule.id: rule for rule in RULES}
