"""Serve a GGUF model with llama.cpp's OpenAI-compatible server (the xllamacpp wheel), for the one
end-to-end test with a real model: python tests/rag/llm_server.py MODEL.gguf PORT"""
import signal
import sys
import time

import xllamacpp

params = xllamacpp.CommonParams()
params.model.path = sys.argv[1]
params.port = int(sys.argv[2])
params.hostnames = ["127.0.0.1"]
params.n_ctx = 4096
params.use_jinja = True
params.cpuparams.n_threads = 2
server = xllamacpp.Server(params)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(3600)
