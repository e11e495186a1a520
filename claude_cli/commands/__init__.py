"""One module per command (ask, chat, describe-image, sessions, config, models, batch,
tokens): each wires settings, requests, the exchange and the terminal for its command."""
