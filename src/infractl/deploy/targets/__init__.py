"""deploy, the two targets: the interface, Kubernetes (server-side apply, rollout wait) and Compose v2."""
