from pathlib import Path

from infractl.discover.files import iter_files


def make_tree(root: Path) -> None:
    for rel in ["app/main.py", "app/models.py", "app/gen/out.py", "build/lib/x.py", ".venv/lib/y.py",
                "env2/lib/z.py", "docs/conf.py", "app/notes.txt", "scripts/tool.py"]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    (root / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / ".git").mkdir()
    (root / ".gitignore").write_text("docs/\n")
    (root / "app" / ".gitignore").write_text("gen/\n")


def rel(paths, root):
    return sorted(p.resolve().relative_to(root.resolve()).as_posix() for p in paths)


def test_walk_honours_gitignore_and_skips_envs_and_build(tmp_path):
    make_tree(tmp_path)
    assert rel(iter_files([tmp_path]), tmp_path) == ["app/main.py", "app/models.py", "scripts/tool.py"]


def test_gitignore_above_the_start_directory_applies(tmp_path):
    make_tree(tmp_path)
    assert rel(iter_files([tmp_path / "app"]), tmp_path) == ["app/main.py", "app/models.py"]


def test_exclude_globs_relative_to_root(tmp_path):
    make_tree(tmp_path)
    found = iter_files([tmp_path], exclude=["scripts/**", "app/models.py"], root=tmp_path)
    assert rel(found, tmp_path) == ["app/main.py"]


def test_explicit_file_is_kept_even_if_ignored_but_not_if_excluded(tmp_path):
    make_tree(tmp_path)
    ignored = tmp_path / "docs" / "conf.py"
    assert rel(iter_files([ignored]), tmp_path) == ["docs/conf.py"]
    assert list(iter_files([ignored], exclude=["docs/*"], root=tmp_path)) == []


def test_no_duplicates_and_stable_order(tmp_path):
    make_tree(tmp_path)
    first = list(iter_files([tmp_path, tmp_path / "app"]))
    assert len(first) == len({p.resolve() for p in first})
    assert first == list(iter_files([tmp_path, tmp_path / "app"]))


def test_a_shared_walk_yields_what_separate_walks_yield(tmp_path):
    from infractl.discover.scanner import Scanner

    make_tree(tmp_path)
    (tmp_path / "app" / "loop.py").symlink_to(tmp_path / "app" / "loop.py")
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "deploy.yaml").write_text("kind: Deployment\n")
    queries = [((".py",), ()), ((".yaml", ".yml", ".txt"), ()), ((".py",), ("scripts/**",)), ((".py", ".txt"), ("app/",))]

    def walk(suffixes, exclude):
        skipped = []
        found = list(iter_files([tmp_path], suffixes, exclude, tmp_path, lambda p, kind, _: skipped.append((p, kind))))
        return found, skipped

    def scanned(suffixes, exclude):
        skipped = []
        found = scanner.files([tmp_path], suffixes, exclude, tmp_path, lambda p, kind, _: skipped.append((p, kind)))
        return list(map(Path, found)), skipped

    separate = [walk(*query) for query in queries]
    with Scanner() as scanner:
        shared = [scanned(*query) for query in queries]
        assert scanner.read(str(tmp_path / "app" / "main.py")) == b"x = 1\n"
        (tmp_path / "app" / "main.py").write_text("changed")
        assert scanner.head(str(tmp_path / "app" / "main.py"), 3) == b"x ="  # from memory now
    assert shared == separate
    assert any(kind == "loop" for _, kind in separate[0][1])


def test_files_chosen_by_name(tmp_path):
    for name in ("Dockerfile", "Dockerfile.prod", "api.Dockerfile", "Dockerfile.dockerignore", "README"):
        (tmp_path / name).write_text("x\n")
    from infractl.manifests.kustomize.discover import find_dockerfiles

    assert sorted(p.name for p in find_dockerfiles(tmp_path)) == ["Dockerfile", "Dockerfile.prod", "api.Dockerfile"]
