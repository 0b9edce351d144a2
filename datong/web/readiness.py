"""Is this process fit to serve? Every data file is checked when the server starts, before the first reader.

A typo in ``figures.csv`` or a deploy with a file missing must never reach a reader as a
wrong number or a traceback. :func:`check` runs once, in the web server's start-up
(``app.py``'s lifespan): each file the site reads must exist and be UTF-8, then every loader
runs (they validate: figures against their quotes, text keys in every language, …) and
every chart is built. On any failure the process stays *not ready*: the health endpoint
answers 503 (so Kubernetes and nginx keep traffic away), readers get a short
"temporarily unavailable" page, and the log names file, row and field.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from datong import paths

log = logging.getLogger("datong")


@dataclass
class State:
    ready: bool = False
    checked: bool = False
    problem: str = ""


STATE = State()
_lock = threading.Lock()


def data_files() -> list[Path]:
    """Every file the serving process reads."""
    return [
        paths.FIGURES, paths.ARTICLE_HANS, paths.ARTICLE_HANT, paths.ARTICLE_EN, paths.SOURCE_META, paths.RAW_REPORT,
        paths.REPAIR_REPORT, paths.SITE_CSS, *sorted(paths.TEXT.glob("*.toml")),
    ]  # fmt: skip


def check_encoding(path: Path) -> str | None:
    """What is wrong with the file as text (missing, not UTF-8), naming it and the line; else None."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return f"{path.name}: file is missing ({path})"
    except OSError as error:
        return f"{path.name}: cannot be read ({error.strerror})"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return f"{path.name}, line {line}: not UTF-8 text (byte 0x{data[error.start]:02x})"
    return None


def problem_with_data(files: list[Path] | None = None) -> str | None:
    """The first problem found in the site's data, as one line for the log; None when all is well."""
    for path in files if files is not None else data_files():
        problem = check_encoding(path)
        if problem:
            return problem
    from datong.web import site_data

    try:
        site_data.warm()
    except FileNotFoundError as error:
        return f"{Path(error.filename or '?').name}: file is missing"
    except Exception as error:  # every loader's error names its file, row and field
        return f"{type(error).__name__}: {error}"
    return None


def check() -> State:
    """Check once per process (later calls return the first answer) and log the outcome."""
    with _lock:
        if not STATE.checked:
            problem = problem_with_data()
            STATE.checked, STATE.ready, STATE.problem = True, problem is None, problem or ""
            if problem:
                log.error("datong: NOT READY, the site will not serve readers: %s", problem)
            else:
                log.info("datong: data checked, ready")
        return STATE
