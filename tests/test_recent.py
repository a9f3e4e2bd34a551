"""The in-memory cache of readings (``ingest.recent``): bounded, least recently used out first."""

from retrieval.ingest.recent import Recent


def test_the_least_recently_used_goes_first_and_the_size_holds():
    kept = Recent(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # a is now the most recent
    kept.put("c", 3)
    assert "b" not in kept and kept.get("a") == 1 and kept.get("c") == 3 and len(kept) == 2
    assert kept.get("missing") is None
    kept.put("a", 4)  # a new value for a kept key replaces it, and counts as a use
    kept.put("d", 5)
    assert kept.get("a") == 4 and "c" not in kept
