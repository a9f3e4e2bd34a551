"""The index's passage vectors and BM25 index in Milvus (a server, or Milvus Lite in-process).

Chosen by ``RETRIEVAL_STORE``: ``milvus:///abs/path/lite.db`` opens Milvus Lite on that path
(one process), ``milvus://host:19530`` a Milvus server (or ``python -m milvus_lite server``)
that several app servers share. ``?prefix=NAME`` names the library's collections (default
``library``), so one Milvus can hold several libraries.

Each generation of each model's index is its own collection, ``<prefix>_<slot>_<generation>``
(slot ``m1`` for the first model, ``m2`` for the second), holding every passage's id, vector
and, for BM25, its terms as ``lexical.tokenize`` makes them, joined by spaces: Milvus's BM25
function then counts exactly the terms bm25s counts, with the same k1 and b, so both backends
rank alike. Publishing points the alias ``<prefix>_<slot>`` at the new collection and drops the
older ones: a reader opens the collection its manifest names, never half a build.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np

from .backends import StoreUnavailable
from .lexical import tokenize

log = logging.getLogger(__name__)

# bm25s's defaults (method "lucene"); Milvus's BM25 multiplies each term's score by (k1 + 1),
# which is divided out so the scores equal bm25s's.
BM25_K1 = 1.5
BM25_B = 0.75
MAX_RESULTS = 16_384  # Milvus's largest top-k
# A search returns at most this many rows: every row crosses the client (measured on the 326
# resolutions, 16,832 passages, Milvus Lite: every passage each way made a question 860 ms against
# FAISS's 17 ms; 1,000 rows 228 ms; one search of 300 rows ~35 ms, of 1,000 ~90 ms). Past it the
# engine treats the store as an approximate index (the nearest this many) and BM25 scores only the
# best this many passages by BM25 (the rest count 0, as no match).
RETURNED = 300
MAX_TERMS_BYTES = 65_535  # a VARCHAR field's largest length
INSERT_BATCH = 1_000
KEPT_GENERATIONS = 3  # collections kept per model: the one published and the two before
SECOND_INDEX = "second-model"  # as in store.py: the folder of the second model's index
_NAME = re.compile(r"[^A-Za-z0-9_]")


def _terms(text: str) -> str:
    terms = " ".join(tokenize(text))
    data = terms.encode("utf-8")
    if len(data) <= MAX_TERMS_BYTES:
        return terms
    return data[:MAX_TERMS_BYTES].decode("utf-8", "ignore").rsplit(" ", 1)[0]


_CLIENTS: dict[str, object] = {}
_CLIENTS_LOCK = threading.Lock()


def _client(uri: str):
    """One client per address and process (Milvus Lite allows one opener of its files)."""
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(uri)
        if client is None:
            try:
                from pymilvus import MilvusClient
            except ImportError as exc:
                raise StoreUnavailable("RETRIEVAL_STORE names Milvus, but pymilvus is not installed: "
                                       "pip install -r requirements.txt") from exc
            try:
                client = MilvusClient(uri, timeout=30)
            except Exception as exc:
                raise StoreUnavailable(
                    f"the Milvus store at {uri} cannot be reached ({exc.__class__.__name__}); start it, "
                    "or unset RETRIEVAL_STORE to keep the index in files") from exc
            _CLIENTS[uri] = client
        return client


class MilvusPassages:
    remote = True  # searched in Milvus, one cluster serving every server of the library

    def __init__(self, client, collection: str, count: int, dimension: int, exact: bool, nprobe: int | None = None):
        self._client, self._collection = client, collection
        self.count, self.dimension = count, dimension
        self.exact = exact and count <= RETURNED
        self._params = {"metric_type": "IP"} | ({} if exact or not nprobe else {"params": {"nprobe": nprobe}})

    def search(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = max(1, min(k, self.count, RETURNED))
        hits = self._client.search(self._collection, data=[np.asarray(vector, dtype=np.float32).tolist()],
                                   anns_field="vector", limit=k, output_fields=[],
                                   search_params=self._params)[0]
        sims = np.full(k, -1.0, dtype=np.float32)
        ids = np.full(k, -1, dtype=np.int64)
        for j, hit in enumerate(hits[:k]):
            ids[j], sims[j] = int(hit["id"]), float(hit["distance"])
        return sims, ids


class MilvusLexical:
    remote = True  # the engine asks it beside the question's other work

    def __init__(self, client, collection: str, count: int):
        self._client, self._collection = client, collection
        self.count = count

    def scores(self, question: str) -> np.ndarray:
        out = np.zeros(self.count, dtype=np.float32)
        terms = " ".join(tokenize(question))
        if not terms:
            return out
        hits = self._client.search(self._collection, data=[terms], anns_field="sparse",
                                   limit=max(1, min(self.count, RETURNED)), output_fields=[],
                                   search_params={"metric_type": "BM25"})[0]
        for hit in hits:
            # Milvus Lite reports BM25 as a negative distance, a server as a positive score.
            out[int(hit["id"])] = abs(float(hit["distance"])) / (BM25_K1 + 1)
        return out


class MilvusBackend:
    name = "milvus"

    def __init__(self, uri: str, prefix: str = "library"):
        self.uri, self.prefix = uri, prefix

    @classmethod
    def from_url(cls, url: str) -> "MilvusBackend":
        parts = urlsplit(url)
        prefix = (parse_qs(parts.query).get("prefix") or ["library"])[0]
        if _NAME.search(prefix) or not prefix[:1].isalpha():
            raise ValueError(f"the Milvus prefix must be letters, digits and _, starting with a letter: {prefix!r}")
        if parts.netloc:  # milvus://host:port
            uri = f"http://{parts.netloc}"
        elif parts.path:  # milvus:///path/lite.db
            uri = str(Path(parts.path).expanduser())
        else:
            raise ValueError(f"RETRIEVAL_STORE {url!r} names no Milvus: milvus:///path/lite.db or milvus://host:19530")
        return cls(uri, prefix)

    @property
    def client(self):
        return _client(self.uri)

    def _slot(self, folder: Path) -> str:
        return f"{self.prefix}_{'m2' if folder.name == SECOND_INDEX else 'm1'}"

    def stage(self, folder: Path, staging: Path, generation: str, passage_vectors: np.ndarray,
              texts: list[str] | None, spec: dict) -> dict:
        from pymilvus import DataType, Function, FunctionType

        client = self.client
        collection = f"{self._slot(folder)}_{_NAME.sub('_', generation)}"
        n, dimension = passage_vectors.shape
        schema = client.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=int(dimension))
        params = client.prepare_index_params()
        exact = spec.get("type") == "IndexFlatIP"
        if exact:
            params.add_index("vector", index_type="FLAT", metric_type="IP")
        else:
            params.add_index("vector", index_type="IVF_FLAT", metric_type="IP", params={"nlist": spec["nlist"]})
        if texts is not None:
            schema.add_field("terms", DataType.VARCHAR, max_length=MAX_TERMS_BYTES, enable_analyzer=True,
                             analyzer_params={"tokenizer": "standard"})
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                         input_field_names=["terms"], output_field_names=["sparse"]))
            params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                             params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
        try:
            client.create_collection(collection, schema=schema, index_params=params)
            for start in range(0, n, INSERT_BATCH):
                rows = [{"id": i, "vector": passage_vectors[i].tolist()}
                        | ({"terms": _terms(texts[i])} if texts is not None else {})
                        for i in range(start, min(n, start + INSERT_BATCH))]
                client.insert(collection, rows)
            client.flush(collection)
        except BaseException:
            self.discard({"collection": collection})
            raise
        return {"kind": self.name, "collection": collection, "alias": self._slot(folder), "exact": exact,
                "lexical": texts is not None, "nprobe": spec.get("nprobe")}

    def publish(self, folder: Path, record: dict) -> None:
        client, alias = self.client, record["alias"]
        aliases = client.list_aliases()
        aliases = aliases.get("aliases", []) if isinstance(aliases, dict) else aliases
        previous = client.describe_alias(alias).get("collection_name") if alias in aliases else None
        if previous is None:
            client.create_alias(record["collection"], alias)
        else:
            client.alter_alias(record["collection"], alias)
        # The generations just replaced stay a while: other app servers still answer from them
        # until they notice the new one (a few seconds; longer when builds come back to back or
        # a server could not load one), as from their files.
        ours = sorted(n for n in client.list_collections() if n.startswith(alias + "_g_"))  # by time
        keep = {record["collection"], previous, *ours[-KEPT_GENERATIONS:]}
        for name in ours:
            if name not in keep:
                self.discard({"collection": name})

    def discard(self, record: dict) -> None:
        try:
            self.client.drop_collection(record["collection"])
        except Exception as exc:  # already gone, or the store went away: nothing to keep
            log.warning("could not drop Milvus collection %s: %s", record.get("collection"), exc.__class__.__name__)

    def open(self, folder: Path, generation_dir: Path, manifest: dict, lexical: bool):
        record = manifest.get("store") or {}
        if record.get("kind") != self.name:
            raise LookupError("the index was built with another store")
        client, collection = self.client, record["collection"]
        if not client.has_collection(collection):
            raise LookupError(f"the store has no collection {collection}")
        client.load_collection(collection)
        count = int(client.get_collection_stats(collection).get("row_count", 0))
        passages = MilvusPassages(client, collection, count, int(manifest.get("dimension", 0)),
                                  record.get("exact", False), record.get("nprobe"))
        words = MilvusLexical(client, collection, count) if lexical and record.get("lexical") else None
        return passages, words
