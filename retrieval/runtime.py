"""The CPU inference runtime for the embedding models: OpenVINO, exported once at install.

Only the transformer's forward pass runs in OpenVINO; sentence-transformers still tokenizes, pools
and normalises, so the vectors are the same as PyTorch's (max difference ~3e-7 measured here; the
tests hold it under 1e-5) and an index built with one backend is valid for the other.

Why OpenVINO itself rather than sentence-transformers' ``backend="openvino"``: that path goes
through optimum-intel, which pins transformers < 5.6 (sentence-transformers 6.2 brings 5.24 here)
and pulls a torchvision that breaks ``import transformers`` with torch 2.13; ONNX Runtime through
optimum-onnx pins transformers < 4.58. OpenVINO's own PyTorch converter needs neither.
Precision stays float32: the IR is saved without fp16 compression and run with an f32 hint (the
CPU plugin would otherwise choose bf16 where the processor has it, and the vectors would move).

The export (``python -m retrieval.packaged_models``, run by ``make``) is saved beside the model in
``openvino/`` with the SHA-256 of its files, checked when it is loaded. Nothing is exported at
run time: a packaged model without its export is an error that says how to fix it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np

from .files import sha256_file, write_atomic

log = logging.getLogger(__name__)

BACKENDS = ("openvino", "torch")
DEFAULT_BACKEND = "openvino"
EXPORT_DIR = "openvino"
IR_FILES = ("model.xml", "model.bin")


class RuntimeUnavailable(RuntimeError):
    """The chosen runtime cannot run a model; the message says how to fix it."""


def chosen_backend() -> str:
    """RETRIEVAL_BACKEND: ``openvino`` (default) or ``torch``."""
    backend = (os.environ.get("RETRIEVAL_BACKEND") or DEFAULT_BACKEND).strip().lower()
    if backend not in BACKENDS:
        raise ValueError(f"RETRIEVAL_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return backend


def export_folder(model_folder: Path) -> Path:
    return Path(model_folder) / EXPORT_DIR


def verified_export(model_folder: Path) -> Path | None:
    """The exported IR's .xml when it is there and its files hash as recorded; None when there is
    no export. Raises RuntimeUnavailable for a damaged one."""
    folder = export_folder(model_folder)
    record = folder / "export.json"
    if not record.is_file():
        return None
    try:
        hashes = json.loads(record.read_text())["sha256"]
        damaged = [name for name in IR_FILES if sha256_file(folder / name) != hashes[name]]
    except (OSError, ValueError, KeyError, TypeError):
        damaged = ["export.json"]
    if damaged:
        raise RuntimeUnavailable(
            f"The OpenVINO export of {Path(model_folder).name} is damaged ({', '.join(damaged)}): export it again "
            "with `python -m retrieval.packaged_models --export` (make does it), or set RETRIEVAL_BACKEND=torch.")
    return folder / "model.xml"


def export(model, model_folder: Path) -> Path:
    """Convert a loaded SentenceTransformer's transformer to OpenVINO IR (float32) beside the
    model, with the SHA-256 of its files; the folder appears whole or not at all."""
    import openvino as ov
    import torch

    transformer = model[0].model
    example = model.tokenizer(["An example sentence.", "Another, longer example sentence."], padding=True,
                              return_tensors="pt")
    with torch.no_grad():
        converted = ov.convert_model(transformer, example_input=dict(example))
    target = export_folder(model_folder)
    staging = Path(tempfile.mkdtemp(dir=model_folder, prefix=".openvino-"))
    try:
        ov.save_model(converted, staging / "model.xml", compress_to_fp16=False)
        record = {"sha256": {name: sha256_file(staging / name) for name in IR_FILES},
                  "inputs": [i.get_any_name() for i in converted.inputs],
                  "openvino": ov.__version__, "torch": torch.__version__}
        write_atomic(staging / "export.json", json.dumps(record, indent=1).encode())
        shutil.rmtree(target, ignore_errors=True)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target / "model.xml"


class OpenVINOForward:
    """Stands in for the transformer's ``forward``: the same inputs, ``last_hidden_state`` out.
    One inference request per thread (a server answers sessions in several threads)."""

    def __init__(self, xml: Path):
        import openvino as ov

        self.compiled = ov.Core().compile_model(str(xml), "CPU", {
            "INFERENCE_PRECISION_HINT": "f32", "PERFORMANCE_HINT": "LATENCY"})
        self.inputs = [i.get_any_name() for i in self.compiled.inputs]
        self._local = threading.local()

    def __call__(self, **features):
        import torch

        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self.compiled.create_infer_request()
        feeds = {name: features[name].numpy() for name in self.inputs if name in features}
        request.infer(feeds)
        hidden = np.array(request.get_output_tensor(0).data, copy=True)
        return {"last_hidden_state": torch.from_numpy(hidden)}


def attach(model, xml: Path) -> None:
    """Run a loaded SentenceTransformer's transformer through OpenVINO from now on, and drop its
    PyTorch weights (they are not used any more: the memory goes back)."""
    import torch

    transformer = model[0].model
    transformer.forward = OpenVINOForward(xml)
    # Emptied in place rather than moved to "meta": the model's device (read from its first
    # parameter) must stay the CPU, where sentence-transformers puts the inputs.
    for tensor in [*transformer.parameters(), *transformer.buffers()]:
        tensor.data = torch.empty(0, dtype=tensor.dtype)
