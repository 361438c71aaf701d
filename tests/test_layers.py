"""The package's layers, read from every import of every module (function-level ones too).

A lazy import inside a function is still an import: it is read here like any other, so a rule
cannot be dodged by moving an import into a function, and a circle cannot be hidden that way.
Imports under ``if TYPE_CHECKING:`` are read too: a type is a dependency of its reader.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dedup"

WORKER_SIDE = ("dedup.batch.job", "dedup.batch.shards", "dedup.batch.stages", "dedup.batch.near")
"""What a shard stage runs on a worker, and the values it is sent."""

DRIVERS = ("dedup.batch.local", "dedup.batch.run", "dedup.batch.sharded", "dedup.batch.executors")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@cache
def imports_of(name: str) -> frozenset[str]:
    """Every module ``name`` imports, wherever the import statement stands."""
    path = modules()[name]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from dedup.io import parquet` imports the module dedup.io.parquet.
            found.update(
                f"{node.module}.{a.name}"
                for a in node.names
                if f"{node.module}.{a.name}" in modules()
            )
    return frozenset(found)


def own_imports(name: str) -> set[str]:
    return {m for m in imports_of(name) if m in modules() and m != name}


def in_layer(name: str, layer: str) -> bool:
    return name == layer or name.startswith(layer + ".")


def test_every_module_is_read():
    # The walk sees the subpackages; a module missing here would escape every rule below.
    names = set(modules())
    assert {"dedup.text.paragraphs", "dedup.match.matcher", "dedup.io.files"} <= names
    assert {"dedup.batch.stages", "dedup.cli.command", "dedup.pipeline"} <= names


def test_a_function_level_import_is_read():
    # dedup.batch.run imports the sharded driver only inside run(): it must still be seen.
    assert "dedup.batch.sharded" in imports_of("dedup.batch.run")


@pytest.mark.parametrize("layer", ["dedup.text", "dedup.match"])
def test_the_pure_cores_import_nothing_above_them(layer):
    above = ("dedup.io", "dedup.batch", "dedup.cli", "dedup.pipeline", "dedup.streaming")
    above += ("dedup.corpus",)
    wrong = {
        (name, imported)
        for name in modules()
        if in_layer(name, layer)
        for imported in own_imports(name)
        if any(in_layer(imported, a) for a in above)
    }
    assert sorted(wrong) == []


def test_text_imports_no_rule_of_matching():
    wrong = {
        (name, imported)
        for name in modules()
        if in_layer(name, "dedup.text")
        for imported in own_imports(name)
        if in_layer(imported, "dedup.match")
    }
    assert sorted(wrong) == []


def test_match_uses_of_text_only_the_keys():
    wrong = {
        (name, imported)
        for name in modules()
        if in_layer(name, "dedup.match")
        for imported in own_imports(name)
        if in_layer(imported, "dedup.text")
        and imported != "dedup.text.normalize"
        # The exact line path reads lines on bytes by the one line grammar (what bounds a
        # record is a rule of text/, not a second copy of it in match/).
        and (name, imported) != ("dedup.match.exact", "dedup.text.lines")
    }
    assert sorted(wrong) == []


def test_io_imports_only_errors_decoding_and_itself():
    allowed = {"dedup.errors", "dedup.text.decoding", "dedup"}
    wrong = {
        (name, imported)
        for name in modules()
        if in_layer(name, "dedup.io")
        for imported in own_imports(name)
        if imported not in allowed and not in_layer(imported, "dedup.io")
    }
    assert sorted(wrong) == []


def test_the_core_around_one_document_knows_nothing_of_runs_or_terminals():
    core = ("dedup.pipeline", "dedup.streaming", "dedup.corpus", "dedup.options", "dedup.errors")
    wrong = {
        (name, imported)
        for name in core
        for imported in own_imports(name)
        if any(in_layer(imported, a) for a in ("dedup.io", "dedup.batch", "dedup.cli"))
    }
    assert sorted(wrong) == []


def test_options_and_errors_are_leaves():
    assert own_imports("dedup.options") == set()
    assert own_imports("dedup.errors") == set()


def test_worker_stages_never_import_a_driver():
    wrong = {
        (name, imported)
        for name in WORKER_SIDE
        for imported in own_imports(name)
        if imported in DRIVERS
    }
    assert sorted(wrong) == []


def test_only_the_cli_imports_click_or_rich():
    wrong = {
        (name, imported)
        for name in modules()
        if not in_layer(name, "dedup.cli")
        for imported in imports_of(name)
        if imported.split(".")[0] in ("click", "rich")
    }
    assert sorted(wrong) == []


def test_no_module_imports_a_private_name_of_another():
    wrong = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dedup"):
                wrong += [
                    (name, f"{node.module}.{a.name}")
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert wrong == []


def test_no_import_circle():
    # Depth-first search over the whole graph; a circle is reported as the path that closes it.
    state: dict[str, int] = {}
    circles: list[list[str]] = []
    faces = {name for name, path in modules().items() if path.name == "__init__.py"}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for imported in sorted(own_imports(name)):
            if imported in faces:
                continue  # a package face hands names on lazily (see the test below)
            if state.get(imported) == 1:
                circles.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[name] = 2

    for name in modules():
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_the_layer_faces_hand_names_on_without_importing_them():
    # dedup, dedup.batch and dedup.cli load their names when asked: a worker importing
    # dedup.batch.stages, or the CLI importing dedup.cli.console, loads no driver through them,
    # and no circle can close through a face.
    faces = [name for name, path in modules().items() if path.name == "__init__.py"]
    assert {"dedup", "dedup.batch", "dedup.cli"} <= set(faces)
    for face in faces:
        tree = ast.parse(modules()[face].read_text(encoding="utf-8"))
        top_level = [
            node.module
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dedup")
        ]
        # dedup.faces is the one home of the lazy machinery, and imports nothing of dedup.
        assert set(top_level) <= {"dedup.faces"}, face


def test_the_lazy_face_helper_imports_nothing_of_the_engine():
    assert own_imports("dedup.faces") == set()
