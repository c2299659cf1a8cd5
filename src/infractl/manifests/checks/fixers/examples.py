"""Texts the manifests rules' fix cases are made of (rules.py stays one page): a Deployment in block style
whose container's securityContext holds the settings given, and compose files with published ports.
Light: plain strings."""

from __future__ import annotations

BLOCK_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: web:1.0  # pinned by the deploy
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
{context}      volumes: []
"""


def deployment(*settings: str) -> str:
    context = "".join(f"            {setting}\n" for setting in settings)
    return BLOCK_DEPLOYMENT.format(context="          securityContext:\n" + context if settings else "")


RECEIVER_PORT = '    ports: ["{}"]\n    healthcheck: {{test: ["CMD", "python", "-c", "import urllib.request"]}}\n'
WEB_PORTS = """\
services:
  web:
    image: web:1.0
    healthcheck: {{test: ["CMD", "true"]}}
    ports:
      - {}   # the API
      - {}
      - {}
"""
