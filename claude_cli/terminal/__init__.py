"""What a person sees: the one sanitiser (term.py), rich consoles, the streaming Markdown
renderer, tables, progress and spinners. Never speaks HTTP (tests/test_layers.py checks)."""
