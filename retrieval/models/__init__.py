"""Embedding models: where the packaged models are, loading them once, the OpenVINO runtime."""
