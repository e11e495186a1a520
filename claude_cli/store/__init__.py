"""Files the user owns: sessions and their blobs, batch jobs, atomic private writes.
Imports neither httpx nor rich (tests/test_layers.py checks)."""
