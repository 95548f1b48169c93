"""The house rules that keep the package readable, checked on its source: where tables, SQL and imports may live."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "zixun"
SOURCES = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
SQL_ROOMS = ("store", "search")  # the only folders that run SQL


def _room(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def _calls(path: Path, attribute: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == attribute
    ]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_every_table_is_defined_in_store_schema():
    defined = {str(p.relative_to(PACKAGE)) for p in SOURCES if _calls(p, "Table")}
    assert defined == {"store/schema.py"}


def test_only_store_and_search_run_sql():
    running = {str(p.relative_to(PACKAGE)): _calls(p, "execute") for p in SOURCES if _room(p) not in SQL_ROOMS}
    assert {name: lines for name, lines in running.items() if lines} == {}


def test_web_does_not_reach_into_the_pipeline_or_the_store_tables():
    for path in (PACKAGE / "web").rglob("*.py"):
        imports = _imports(path)
        assert "zixun.pipeline" not in imports and "zixun.store.schema" not in imports, path


def test_one_import_name_per_store_module():
    # a store module is imported under its own name (articles, related_lists, ...), never an alias
    aliased = []
    for path in [*SOURCES, *PACKAGE.parent.joinpath("tests").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "zixun.store":
                aliased += [(path.name, a.name, a.asname) for a in node.names if a.asname and a.asname != a.name]
    assert aliased == []
