"""The staging stack's Prometheus scrapes each receiver pod on the port it listens on (not the Service's 80,
not through a cluster IP), MON012 catches the mismatch, and the dashboard covers what the receiver exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from infractl.monitoring.lint import collect
from infractl.monitoring.metrics import exported_by_source, metrics_in_expression

ROOT = Path(__file__).resolve().parents[2]
STAGING = ROOT / "manifests" / "staging"
SOURCES = {"sources": ["examples/webhook-receiver/webhook_receiver"]}
OLD_TARGET = ('    static_configs:\n'
              '      - targets: ["webhook-receiver.aos-staging.svc:8081"]\n')


def _services() -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in yaml.safe_load_all((STAGING / "service.yaml").read_text())}


def test_bundled_prometheus_scrapes_each_receiver_pod_on_its_port():
    config = yaml.safe_load((STAGING / "monitoring" / "prometheus.yml").read_text())
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "webhook-receiver")
    assert "static_configs" not in job  # a fixed address is one Service (or one pod), never each replica
    [dns] = job["dns_sd_configs"]
    assert dns["type"] == "A" and dns["port"] == 8081
    service_name, namespace = dns["names"][0].split(".")[:2]
    assert namespace == yaml.safe_load((STAGING / "kustomization.yaml").read_text())["namespace"]
    service = _services()[service_name]
    assert service["spec"]["clusterIP"] == "None"  # headless: its name resolves to every pod's address
    deployment = yaml.safe_load((STAGING / "deployment.yaml").read_text())
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert {p["containerPort"] for p in container["ports"]} == {dns["port"]}


def _staging_copy(tmp_path: Path, job_body: str) -> Path:
    copy = tmp_path / "staging"
    shutil.copytree(STAGING, copy)
    config = copy / "monitoring" / "prometheus.yml"
    text = config.read_text()
    start = text.index("    dns_sd_configs:")
    end = text.index("\n\n", start)
    config.write_text(text[:start] + job_body.rstrip("\n") + text[end:])
    return copy


def _mon012(root: Path) -> list[str]:
    findings = collect(root, SOURCES, ROOT).findings
    return [f.message for f in findings if f.rule == "MON012"]


def test_yesterdays_target_on_a_port_the_service_does_not_listen_on_is_mon012(tmp_path):
    assert _mon012(_staging_copy(tmp_path, OLD_TARGET)) == [
        ("job webhook-receiver scrapes webhook-receiver.aos-staging.svc:8081, but Service webhook-receiver "
         "listens on 80: every scrape fails, up stays 0")]


def test_scraping_through_the_services_cluster_ip_is_mon012(tmp_path):
    through = OLD_TARGET.replace(":8081", ":80")
    [message] = _mon012(_staging_copy(tmp_path, through))
    assert "scrapes Service webhook-receiver through its cluster IP" in message


def test_a_dns_name_of_the_cluster_ip_service_is_mon012_and_other_services_are_not_judged(tmp_path):
    job = ("    dns_sd_configs:\n      - names: [webhook-receiver.aos-staging.svc.cluster.local]\n"
           "        type: A\n        port: 8081\n"
           "    static_configs:\n      - targets: [\"other.aos-staging.svc:9\", \"webhook-receiver.elsewhere.svc:1\"]\n")
    [message] = _mon012(_staging_copy(tmp_path, job))
    assert "scrapes webhook-receiver.aos-staging.svc.cluster.local:8081, but Service webhook-receiver" in message


def test_bundled_stack_is_clean_of_mon012():
    assert _mon012(STAGING) == []


def test_dashboard_has_seven_panels_on_the_datasource_variable_covering_the_receiver():
    dashboard = json.loads((STAGING / "monitoring" / "dashboard-webhook-receiver.json").read_text())
    panels = dashboard["panels"]
    assert len(panels) == 7
    assert all(p["datasource"] == {"type": "prometheus", "uid": "${datasource}"} for p in panels)
    assert all("datasource" not in t for p in panels for t in p["targets"])  # none overrides the panel's
    read = set().union(*(metrics_in_expression(t["expr"]) for p in panels for t in p["targets"]))
    assert read == {"up", "webhook_http_responses_total", "webhook_request_duration_seconds_bucket",
                    "webhook_rate_limit_exceeded_total", "webhook_retention_deleted_events_total",
                    "webhook_database_errors_total"}
    exported = exported_by_source((ROOT / "examples" / "webhook-receiver" / "webhook_receiver").glob("*.py"))
    assert read - {"up"} <= exported
    expressions = " ".join(t["expr"] for p in panels for t in p["targets"])
    assert expressions.count("histogram_quantile(") == 3 and 'code=~\\"5..\\"' not in expressions
    assert 'code=~"5.."' in expressions and "webhook_http_responses_total[5m]" in expressions


SERVICE_ON_80 = ("apiVersion: v1\nkind: Service\nmetadata: {name: webhook-receiver}\nspec:\n"
                 "  selector: {app: webhook-receiver}\n  ports: [{name: http, port: 80, targetPort: 8081}]\n")
ISSUE_TARGET = 'scrape_configs:\n  - job_name: webhook-receiver\n    static_configs:\n' \
               '      - targets: ["webhook-receiver.aos-staging.svc:8081"]\n'


def _check_mon012(root: Path) -> list[tuple[str, int]]:
    from infractl.check.command import collect as check

    return [(Path(f.path).name, f.line) for f in check(root).findings if f.rule == "MON012"]


def test_issue_18_case_is_caught_by_check_with_the_configuration_alone(tmp_path):
    # issue 18: the bundled config scraped webhook-receiver.aos-staging.svc:8081, the Service listens on 80
    (tmp_path / "kustomization.yaml").write_text("namespace: aos-staging\nresources: [service.yaml]\n")
    (tmp_path / "service.yaml").write_text(SERVICE_ON_80)
    (tmp_path / "prometheus.yml").write_text(ISSUE_TARGET)
    assert _check_mon012(tmp_path) == [("prometheus.yml", 4)]


def test_a_configuration_held_by_a_configmap_is_judged_too(tmp_path):
    (tmp_path / "service.yaml").write_text(SERVICE_ON_80.replace("name: webhook-receiver}",
                                                                 "name: webhook-receiver, namespace: aos-staging}"))
    body = "".join(f"    {line}\n" for line in ISSUE_TARGET.splitlines())
    (tmp_path / "prometheus.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prometheus}\n"
                                              "data:\n  prometheus.yml: |\n" + body)
    assert _check_mon012(tmp_path) == [("prometheus.yaml", 9)]


def test_a_compose_services_published_port_is_not_its_port_in_the_network(tmp_path):
    (tmp_path / "compose.yml").write_text(
        "services:\n  receiver:\n    image: receiver:1.0\n    ports: [\"8081:80\"]\n"
        "  worker:\n    image: worker:1.0\n    ports: [{target: 9100, published: 9100}]\n"
        "  host:\n    image: host:1.0\n    network_mode: host\n    ports: [\"9200:80\"]\n")
    (tmp_path / "prometheus.yml").write_text(
        "scrape_configs:\n  - job_name: receiver\n    static_configs:\n      - targets: [\"receiver:8081\"]\n"
        "  - job_name: fine\n    static_configs:\n"
        "      - targets: [\"receiver:80\", \"worker:9100\", \"receiver:9000\", \"host:9200\"]\n")
    findings = [f for f in collect(tmp_path, {}).findings if f.rule == "MON012"]
    assert [(f.line, f.message) for f in findings] == [
        (4, ("job receiver scrapes receiver:8081, but compose publishes service receiver on 8081 on the host only; "
            "in the compose network it listens on 80: every scrape fails, up stays 0"))]
    assert findings[0].fix == "scrape receiver:80"


def test_the_operators_scrape_config_resource_is_judged_too(tmp_path):
    (tmp_path / "service.yaml").write_text(SERVICE_ON_80)
    (tmp_path / "scrape.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1alpha1\nkind: ScrapeConfig\nmetadata: {name: receiver}\nspec:\n"
        "  staticConfigs:\n    - targets:\n        - webhook-receiver.aos-staging.svc:8081\n")
    assert _check_mon012(tmp_path) == [("scrape.yaml", 7)]
