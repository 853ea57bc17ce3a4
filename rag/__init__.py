"""PolicyQA library: parse → index → retrieve → answer."""
from .answer import AnswerSettings, answer_question
from .corpus import Document, load_corpus
from .embed import Embedder
from .errors import PolicyQAError
from .index import PolicyIndex, build_index, load_index
from .parse import PARSER_VERSION, parse_document
from .pipeline import Pipeline, open_index
from .records import Answer, Citation, Clause, Department, DocumentMeta, Hit
from .retrieve import RetrievalSettings, Retriever

__all__ = [
    "PARSER_VERSION",
    "Answer",
    "AnswerSettings",
    "Citation",
    "Clause",
    "Department",
    "Document",
    "DocumentMeta",
    "Embedder",
    "Hit",
    "Pipeline",
    "PolicyIndex",
    "PolicyQAError",
    "RetrievalSettings",
    "Retriever",
    "answer_question",
    "build_index",
    "load_corpus",
    "load_index",
    "open_index",
    "parse_document",
]
