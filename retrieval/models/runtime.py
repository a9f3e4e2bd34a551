"""The CPU inference runtime for the embedding models: OpenVINO, exported once at install.

The model's own fast tokenizer (``tokenizers``), the transformer in OpenVINO and mean pooling in
numpy: the same steps sentence-transformers takes, so the vectors are the same as PyTorch's (max
difference ~3e-7 measured here; the tests hold it under 1e-5) and an index built with one backend is
valid for the other. On this path the process never imports torch or sentence-transformers.

Why OpenVINO itself rather than sentence-transformers' ``backend="openvino"``: that path goes
through optimum-intel, which pins transformers < 5.6 (sentence-transformers 6.2 brings 5.24 here)
and pulls a torchvision that breaks ``import transformers`` with torch 2.13; ONNX Runtime through
optimum-onnx pins transformers < 4.58. OpenVINO's own PyTorch converter needs neither.
Precision stays float32: the IR is saved without fp16 compression and run with an f32 hint (the
CPU plugin would otherwise choose bf16 where the processor has it, and the vectors would move).

The export (``python -m retrieval.models.packaged_models``, run by ``make``) is saved beside the model in
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import runtime_backend
from ..files import sha256_file, write_atomic

log = logging.getLogger(__name__)

BACKENDS = ("openvino", "torch")
DEFAULT_BACKEND = "openvino"
EXPORT_DIR = "openvino"
IR_FILES = ("model.xml", "model.bin")


class RuntimeUnavailable(RuntimeError):
    """The chosen runtime cannot run a model; the message says how to fix it."""


def chosen_backend() -> str:
    """RETRIEVAL_BACKEND: ``openvino`` (default) or ``torch``."""
    return runtime_backend(DEFAULT_BACKEND, tuple(BACKENDS))


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
            "with `python -m retrieval.models.packaged_models --export` (make does it), or set RETRIEVAL_BACKEND=torch.")
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


SUPPORTED_MODULES = ("sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
                     "sentence_transformers.models.Normalize")


def runs_without_pytorch(model_folder: Path) -> bool:
    """Whether a model is the plain layout this module runs by itself (a transformer, mean pooling,
    optionally normalised, and a fast tokenizer's ``tokenizer.json``): both packaged models are.
    Anything else keeps sentence-transformers and PyTorch."""
    folder = Path(model_folder)
    try:
        modules = json.loads((folder / "modules.json").read_text())
        types = [m["type"] for m in modules]
        if types[:2] != list(SUPPORTED_MODULES[:2]) or types[2:] not in ([], [SUPPORTED_MODULES[2]]):
            return False
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text())
        modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
        config = json.loads((folder / "sentence_bert_config.json").read_text())
        return (modes == {"pooling_mode_mean_tokens"} and not config.get("do_lower_case")
                and modules[0]["path"] == "" and (folder / "tokenizer.json").is_file())
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False


@dataclass
class TokenOutput:
    """One text through the transformer: its tokens' vectors (padding dropped), the tokens, which
    of them the tokenizer added (``[CLS]``, ``</s>``…) and each token's character span in the text."""

    vectors: np.ndarray
    tokens: list[str]
    special: list[bool]
    offsets: list[tuple[int, int]]


class OpenVINOEncoder:
    """A sentence-transformers model run without PyTorch: the model's own fast tokenizer
    (``tokenizers``), the transformer's OpenVINO export, mean pooling in numpy. The process does
    not import torch at all, which is most of the memory the pair used to cost.
    One inference request per thread (a server answers sessions in several threads)."""

    def __init__(self, model_folder: Path, xml: Path, threads: int | None = None):
        import openvino as ov
        from tokenizers import Tokenizer

        folder = Path(model_folder)
        config = json.loads((folder / "sentence_bert_config.json").read_text())
        self.max_seq_length = int(config["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # As sentence-transformers calls it: truncated at the model's max_seq_length (not the
        # tokenizer file's own setting); padding with the model's pad token (MPNet numbers its
        # positions from the tokens that are not padding).
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.tokenizer.no_padding()  # padded here, per pass (the file's own setting pads to 128)
        pad = _special_token(folder, "pad_token")
        pad_id = self.tokenizer.token_to_id(pad) if pad else None
        self.pad_id = 0 if pad_id is None else pad_id
        self.compiled = ov.Core().compile_model(str(xml), "CPU", {
            "INFERENCE_PRECISION_HINT": "f32", "PERFORMANCE_HINT": "LATENCY"}
            # A set number of threads is a share of the machine (a Ray worker's CPUs): not pinned,
            # or every such process pins its threads to the same first cores (measured: two
            # one-thread encoders at once each took twice as long as one alone).
            | ({"INFERENCE_NUM_THREADS": int(threads), "ENABLE_CPU_PINNING": False} if threads else {}))
        self.inputs = [i.get_any_name() for i in self.compiled.inputs]
        self.dimension = int(self.compiled.outputs[0].get_partial_shape()[-1].get_length())
        self._local = threading.local()

    def tokens(self, texts: list[str]) -> list[TokenOutput]:
        """Each text's token vectors, in the order given. Texts of similar length go through
        together, at most TOKENS_PER_PASS tokens (padding included) per forward pass: the runtime
        keeps the working memory of the largest pass it has run, and more tokens per pass are no
        faster here (measured: ~2,200-2,300 tokens/s for mpnet from 512 to 8,192 tokens a pass,
        while 32 passages of 256 tokens left ~700 MiB more behind)."""
        encodings = self.tokenizer.encode_batch(list(texts))
        out: list[TokenOutput | None] = [None] * len(encodings)
        for rows in token_batches([len(e.ids) for e in encodings], TOKENS_PER_PASS):
            width = max(len(encodings[i].ids) for i in rows)
            feeds = {name: np.zeros((len(rows), width), dtype=np.int64)
                     for name in ("input_ids", "attention_mask", "token_type_ids")}
            feeds["input_ids"][:] = self.pad_id
            for r, i in enumerate(rows):
                e = encodings[i]
                feeds["input_ids"][r, :len(e.ids)] = e.ids
                feeds["attention_mask"][r, :len(e.ids)] = 1
                feeds["token_type_ids"][r, :len(e.ids)] = e.type_ids
            hidden = self._infer({name: feeds[name] for name in self.inputs})
            for r, i in enumerate(rows):
                e, length = encodings[i], len(encodings[i].ids)
                out[i] = TokenOutput(np.array(hidden[r, :length], dtype=np.float32), e.tokens,
                                     [bool(x) for x in e.special_tokens_mask], e.offsets)
        return out

    def _infer(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self.compiled.create_infer_request()
        request.infer(feeds)
        return request.get_output_tensor(0).data

    def sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, unit-length vectors (what the model's Pooling and Normalize modules give)."""
        return np.stack([mean_pooled(t.vectors) for t in self.tokens(texts)]) if texts else \
            np.zeros((0, self.dimension), dtype=np.float32)


TOKENS_PER_PASS = 1024


def token_batches(lengths: list[int], budget: int) -> list[list[int]]:
    """Row numbers grouped for forward passes: longest first, so texts of similar length share a
    pass, each pass at most ``budget`` tokens once padded (a longer text goes alone)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for i in order:
        if batches and lengths[batches[-1][0]] * (len(batches[-1]) + 1) <= budget:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def mean_pooled(token_vectors: np.ndarray) -> np.ndarray:
    """The mean of a text's token vectors, unit length."""
    vec = token_vectors.mean(axis=0, dtype=np.float64).astype(np.float32)
    return vec / max(float(np.linalg.norm(vec)), 1e-12)


def _special_token(folder: Path, key: str) -> str | None:
    try:
        value = json.loads((folder / "special_tokens_map.json").read_text()).get(key)
    except (OSError, ValueError):
        return None
    return value.get("content") if isinstance(value, dict) else value
