"""Dependencies shared by the routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from rag.errors import IndexMissing, IndexUnavailable
from rag.pipeline import Pipeline

from .settings import Settings, get_settings
from .state import reload_if_changed


def get_pipeline(request: Request) -> Pipeline:
    state = request.app.state.policyqa
    reload_if_changed(state, request.app.state.settings)
    if state.pipeline is None:
        problem = state.problem or IndexMissing("index not loaded")
        raise IndexUnavailable(str(problem), problem.message_zh)
    request.app.state.metrics.serving(state.pipeline)  # a new index: its size and age for /metrics
    return state.pipeline


PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
