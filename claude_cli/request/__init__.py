"""Shaping requests: settings + capabilities + inputs → a Messages body (body.py), and the
pure pieces around it: payload blocks, schemas, the append-only conversation, the context
check, prices and usage. No network, no terminal (tests/test_layers.py checks)."""
