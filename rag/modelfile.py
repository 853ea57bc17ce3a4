"""Learned models as plain JSON files: written atomically, the packaged ones read from rag/data."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path


def write_model(data: dict, path: Path, indent: int | None = None) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_model(file_name: str, path: str | None = None) -> dict:
    """The model at `path`, else the packaged `rag/data/<file_name>`."""
    if path is None:
        with resources.as_file(resources.files("rag") / "data" / file_name) as packaged:
            return json.loads(packaged.read_text(encoding="utf-8"))
    return json.loads(Path(path).read_text(encoding="utf-8"))
