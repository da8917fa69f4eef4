"""The package's shape: imports point one way, no cycles, no module too long.

Every ``import`` in ``src/glassnet`` — module level or inside a function — is read
with ``ast`` and resolved to the glassnet module it names. The modules form layers
(README, "Layout"); a module may import its own layer and the ones below it, never
one above, and the import graph has no cycle.
"""

import ast
import os

import pytest

ROOT = os.path.join(os.path.dirname(__file__), os.pardir, "src", "glassnet")

#: (layer number, module name prefixes), bottom first; the README's "Layout" section
LAYERS = [
    (0, ["errors", "validation", "_registry", "files", "rowops", "version", "utils",
         "results", "sanitize"]),
    (1, ["activations", "losses", "initializers", "regularizers", "layers", "gradients",
         "tracing"]),
    (2, ["model", "training", "batches", "saving", "modelfile", "modelcheck", "summary",
         "optimizers", "metrics", "callbacks", "progress", "diagnosis", "weights", "fitdata",
         "fallback"]),
    (3, ["data", "datasets", "spec", "exports"]),
    (4, ["plotting", "report"]),
    (5, ["cli", "demo", "experiments", "sklearn", "playground", "__main__"]),
]
MAX_LINES = 400


def modules(root=ROOT) -> dict[str, str]:
    """Dotted name (relative to glassnet, '' for the package) -> file path."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
                found[rel.removesuffix("__init__").rstrip(".")] = path
    return found


def imports_of(name: str, path: str, known: set) -> set:
    """The glassnet modules ``name`` imports, anywhere in its file."""
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    tree = ast.parse(open(path, encoding="utf-8").read())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "glassnet" or alias.name.startswith("glassnet."):
                    out.add(alias.name.removeprefix("glassnet").lstrip("."))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if not (node.module or "").startswith("glassnet"):
                    continue
                base = node.module.removeprefix("glassnet").lstrip(".")
            else:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([p for p in parts if p] + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}".lstrip(".")
                out.add(full if full in known else base)
    out.discard(name)
    return out


def graph(root=ROOT):
    found = modules(root)
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def layer_of(name: str):
    top = name.split(".")[0]
    for number, prefixes in LAYERS:
        if top in prefixes:
            return number
    return None


def test_every_module_has_a_layer():
    assert [m for m in graph() if m and layer_of(m) is None] == []


def test_no_import_points_up():
    wrong = []
    for name, targets in graph().items():
        if not name:  # the package itself is the public front door
            continue
        for target in targets:
            if target and layer_of(target) > layer_of(name):
                wrong.append(f"{name} (layer {layer_of(name)}) imports {target} "
                             f"(layer {layer_of(target)})")
            if target == "":
                wrong.append(f"{name} imports the package glassnet itself")
    assert wrong == []


def test_no_import_cycle():
    edges = graph()
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(stack[stack.index(target):] + [target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == []


def test_the_import_reader_sees_imports_inside_functions(tmp_path):
    """A planted cycle through a function-level import is read (not vacuous)."""
    (tmp_path / "a.py").write_text("from . import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from .a import x\n")
    (tmp_path / "__init__.py").write_text("")
    edges = graph(str(tmp_path))
    assert edges["a"] == {"b"} and edges["b"] == {"a"}


@pytest.mark.parametrize("name,path", sorted(modules().items()))
def test_no_module_over_400_lines(name, path):
    with open(path, encoding="utf-8") as f:
        assert sum(1 for _ in f) <= MAX_LINES, f"{path} is over {MAX_LINES} lines"
