"""Images that skaffold builds for the repository: skaffold tags each build (git commit, digest) and writes
that reference into every manifest it deploys, so a bare ``image: adservice`` in manifests it renders is
no unpinned image (microservices-demo's kubernetes-manifests say so: "meant to be used with skaffold to
insert the correct image: tags"). K8S103 is info for those names, saying why.

skaffold reads ``skaffold.yaml`` in the directory it runs in: the checked directory or the project root
here. A file that cannot be loaded names no image (so K8S103 stays an error: the safe side).
"""

from __future__ import annotations

from pathlib import Path

CONFIG_NAMES = ("skaffold.yaml", "skaffold.yml")


def built_images(*roots: Path | None) -> frozenset[str]:
    """The ``build.artifacts[].image`` names of the skaffold configs in ``roots``, profiles included."""
    from infractl.load import LoadError
    from infractl.load.yamldocs import load_file_documents

    names: set[str] = set()
    configs = dict.fromkeys(Path(root).resolve() / name for root in roots if root is not None for name in CONFIG_NAMES)
    for path in configs:
        if not path.is_file():
            continue
        try:
            documents = load_file_documents(path)
        except (LoadError, OSError):
            continue
        for document in documents:
            if isinstance(document, dict) and str(document.get("apiVersion", "")).startswith("skaffold/"):
                for section in [document, *_list(document.get("profiles"))]:
                    build = section.get("build") if isinstance(section, dict) else None
                    for artifact in _list(build.get("artifacts") if isinstance(build, dict) else None):
                        if isinstance(artifact, dict) and isinstance(artifact.get("image"), str):
                            names.add(artifact["image"])
    return frozenset(names)


def image_name(image: str) -> str:
    """``registry:5000/team/app:1.2@sha256:..`` -> ``registry:5000/team/app``."""
    name = image.split("@", 1)[0]
    head, _, last = name.rpartition("/")
    return f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]


def _list(value) -> list:
    return value if isinstance(value, list) else []
