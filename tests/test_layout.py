"""The project's fixed layout, and test files pytest can collect together."""

import re
from collections import Counter

from datong import paths


def test_the_fixed_layout_is_in_place():
    for name in ("app.py", "pages", "data", "tests", "requirements.txt", "README.md", ".ci/run", "datong/__init__.py"):
        assert (paths.ROOT / name).exists(), name
    assert (paths.ROOT / "datong" / "pipeline").is_dir() and (paths.ROOT / "datong" / "web").is_dir()


def test_no_two_test_modules_share_a_name():
    # Without __init__ files pytest imports test modules by basename: two of one name stop collection.
    names = Counter(path.name for path in (paths.ROOT / "tests").rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []


def test_serving_code_never_imports_the_pipeline():
    for path in [paths.ROOT / "app.py", *(paths.ROOT / "pages").glob("*.py"), *(paths.ROOT / "datong" / "web").glob("*.py")]:
        imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        assert [m for m in imports if m.startswith(("datong.pipeline", "pypinyin"))] == [], path
