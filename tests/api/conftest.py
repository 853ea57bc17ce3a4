import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings


@pytest.fixture(scope="session")
def settings(index_dir, corpus_dir):
    return Settings(index_dir=index_dir, corpus_dir=corpus_dir, allowed_origins=["http://allowed.example"])


@pytest.fixture(scope="session")
def client(settings):
    """The real app with its lifespan: loads the real index and model once."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client
