"""Compose file rules: images pinned, healthchecks, no secret literals in environment:, databases (and in
dev or staging files, any port) not published on every interface. Values the deploy fills (``${VAR}``, ``${VAR:?msg}``) count as set there."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infractl.manifests.checks.hardening import image_unpinned

_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
                       r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")
DEPLOY_SET = "\x00"  # stands for a value only known at deploy time
_SECRET_KEY = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL", re.IGNORECASE)
# compose's secrets: are files under /run/secrets; a variable holding such a path (the official images'
# *_FILE convention, or an app that reads the file it names) holds no secret
_SECRETS_DIR = "/run/secrets/"
_URL_PASSWORD = re.compile(r"://[^/:@\s]+:(?P<password>[^@\s]+)@")
DATABASE_PORTS = {5432: "PostgreSQL", 3306: "MySQL", 27017: "MongoDB", 6379: "Redis", 1433: "SQL Server",
                  9042: "Cassandra", 5984: "CouchDB", 11211: "memcached", 9200: "Elasticsearch"}
LOOPBACK = ("127.0.0.1", "::1", "localhost")
_DEV_OR_STAGING = frozenset({"dev", "development", "local", "staging", "stage", "test", "testing", "ci", "override"})
_DATABASE_IMAGES = re.compile(r"(^|/)(postgres|postgis|mysql|mariadb|mongo|redis|valkey|mssql|cassandra|couchdb|"
                              r"memcached|elasticsearch|opensearch)[^/]*$", re.IGNORECASE)


def interpolate(value: str) -> str:
    """Compose interpolation with an empty environment: defaults are used, anything else is DEPLOY_SET."""
    def replace(match: re.Match) -> str:
        if match.group("bare"):
            return DEPLOY_SET
        op, arg = match.group("op"), match.group("arg") or ""
        if op in (":-", "-"):
            return arg
        return DEPLOY_SET

    return _VARIABLE.sub(replace, value.replace("$$", ""))


def compose_hits(document, file_name: str = "") -> Iterator[tuple[tuple, str, str, str]]:
    """(key path, rule, message, fix) for every problem in the compose file's (first) document;
    ``file_name`` says whether it is a dev or staging file (COMPOSE010)."""
    services = document.get("services") if isinstance(document, dict) else None
    if not isinstance(services, dict):
        return
    one_shot = one_shot_services(services)
    for name, service in services.items():
        if isinstance(service, dict):
            yield from _service(name, service, name in one_shot)
            if is_dev_or_staging(file_name):
                yield from _published_everywhere(name, service, ("services", name))


def is_dev_or_staging(file_name: str) -> bool:
    """A compose file named for a dev or staging host (``docker-compose.staging.yml``, ``compose.dev.yaml``,
    ``docker-compose.override.yml``, which ``docker compose up`` merges on a developer's machine)."""
    return bool(_DEV_OR_STAGING.intersection(re.split(r"[^a-z0-9]+", file_name.lower())))


def one_shot_services(services: dict) -> set[str]:
    """Services that run once and exit, which a healthcheck cannot describe: ``restart: "no"`` with a
    ``command`` of their own (a migration, a seed), and those another service waits for with
    ``condition: service_completed_successfully``. (Services in ``profiles`` are exempt on their own.)"""
    names = set()
    for name, service in services.items():
        if not isinstance(service, dict):
            continue
        if service.get("restart") in ("no", False) and service.get("command"):  # YAML 1.1 reads `no` as false
            names.add(name)
        depends = service.get("depends_on")
        for other, condition in depends.items() if isinstance(depends, dict) else ():
            if isinstance(condition, dict) and condition.get("condition") == "service_completed_successfully":
                names.add(other)
    return names


def _service(name: str, service: dict, one_shot: bool = False) -> Iterator[tuple[tuple, str, str, str]]:
    from infractl.manifests.checks.review.exposure import compose_exposure_hits
    from infractl.manifests.checks.review.tags import compose_floating_hits

    keys = ("services", name)
    image = service.get("image")
    if isinstance(image, str):
        resolved = interpolate(image)
        reason = None if DEPLOY_SET in resolved else image_unpinned(resolved)
        if reason:
            yield ((*keys, "image"), "COMPOSE001", f"service {name}: image {image} {reason}",
                   "pin a tag or digest, or use ${VAR} set by the deploy")
        yield from compose_floating_hits(name, service, keys, None if DEPLOY_SET in resolved else resolved)
    yield from compose_exposure_hits(name, service, keys)
    healthcheck = service.get("healthcheck")
    if not one_shot and "profiles" not in service and (not isinstance(healthcheck, dict)
                                                       or healthcheck.get("disable")):
        yield (keys, "COMPOSE002", f"service {name}: no healthcheck", "add healthcheck: {test: [...]}")
    yield from _environment(name, service.get("environment"), keys)
    yield from _database_exposure(name, service, keys)


def _environment(name: str, environment, keys: tuple) -> Iterator[tuple[tuple, str, str, str]]:
    from infractl.manifests.checks.dockerfile import names_where_a_secret_is
    from infractl.sanitise.masking import known_tokens

    if isinstance(environment, list):
        items = [(index, *str(entry).partition("=")[::2]) for index, entry in enumerate(environment)]
    elif isinstance(environment, dict):
        items = [(key, key, "" if value is None else str(value)) for key, value in environment.items()]
    else:
        return
    for where, key, value in items:
        resolved = interpolate(value)
        literal = resolved.replace(DEPLOY_SET, "")
        password = _URL_PASSWORD.search(resolved)
        named = _SECRET_KEY.search(key) and not names_where_a_secret_is(key)
        if literal.strip() and DEPLOY_SET not in resolved and not literal.strip().startswith(_SECRETS_DIR) \
                and (named or any(known_tokens(literal))):
            yield ((*keys, "environment", where), "COMPOSE003", f"service {name}: {key} is a literal secret",
                   f"{key}: ${{{key}:?set by the deploy}}")
        elif password and DEPLOY_SET not in password.group("password"):
            yield ((*keys, "environment", where), "COMPOSE003",
                   f"service {name}: {key} holds a URL with a literal password",
                   "take the password (or the whole URL) from a variable the deploy sets")


def _database_exposure(name: str, service: dict, keys: tuple) -> Iterator[tuple[tuple, str, str, str]]:
    is_database_image = _is_database(service)
    if service.get("network_mode") == "host" and is_database_image:
        command = " ".join(map(str, service.get("command") or [])) if isinstance(service.get("command"), list) \
            else str(service.get("command") or "")
        if not re.search(r"listen_addresses\s*=\s*'?(127\.0\.0\.1|localhost)", command):
            yield ((*keys, "network_mode"), "COMPOSE004",
                   f"service {name}: a database on the host network listens on every interface",
                   "listen on 127.0.0.1 only (postgres -c listen_addresses=127.0.0.1)")
    for index, port in enumerate(service.get("ports") or []):
        host_ip, target = _published(port)
        if target is None or host_ip in LOOPBACK:
            continue
        if target in DATABASE_PORTS or is_database_image:
            what = DATABASE_PORTS.get(target, "database")
            yield ((*keys, "ports", index), "COMPOSE004",
                   f"service {name}: {what} port {target} is published on every interface",
                   "bind it to 127.0.0.1 (\"127.0.0.1:HOST:CONTAINER\") or do not publish it")


def _published_everywhere(name: str, service: dict, keys: tuple) -> Iterator[tuple[tuple, str, str, str]]:
    """COMPOSE010: any other port published on every interface (databases are COMPOSE004's)."""
    if _is_database(service):
        return
    for index, port in enumerate(service.get("ports") or []):
        host_ip, target = _published(port)
        if target is not None and target not in DATABASE_PORTS and host_ip in ("", "0.0.0.0", "::"):
            yield ((*keys, "ports", index), "COMPOSE010",
                   f"service {name}: port {target} is published on every interface",
                   "bind it to 127.0.0.1 (\"127.0.0.1:HOST:CONTAINER\")")


def _is_database(service: dict) -> bool:
    image = interpolate(str(service.get("image") or ""))
    return bool(_DATABASE_IMAGES.search(image.split("@")[0].rsplit(":", 1)[0] if image else ""))


def _published(port) -> tuple[str, int | None]:
    """(host IP, container port) of a ports: entry; host IP "" means every interface."""
    if isinstance(port, dict):
        if port.get("published") in (None, ""):
            return "", None
        return str(port.get("host_ip") or ""), _int(port.get("target"))
    text = interpolate(str(port)).split("/")[0]
    if text.startswith("["):  # [::1]:5433:5432
        host, _, rest = text[1:].partition("]:")
        parts = ["", *rest.split(":")]
        parts[0] = host
    else:
        parts = text.split(":")
    if len(parts) == 1:
        return "", _int(parts[0].split("-")[0])  # "5432" alone: a random host port, every interface
    host_ip = parts[0] if len(parts) == 3 else ""
    return host_ip, _int(parts[-1].split("-")[0])


def _int(value) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
