"""The service over HTTP: the client and its retries, SSE, stream assembly, models and
their capabilities (cached), Message Batches. Knows HTTP, never the terminal: no rich, no
typer, no prompt_toolkit (tests/test_layers.py checks)."""
