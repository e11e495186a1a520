"""`claude-cli --help` as Typer prints it at 80 columns or more (generated).

Written by tools/gen_root_help.py; tests/test_startup.py fails when it is stale.
"""

TEXT = (
    "Usage: claude-cli [OPTIONS] COMMAND [ARGS]...\n"
    "\n"
    "  Talk to Claude from your terminal and your shell pipelines.\n"
    "\n"
    "Options:\n"
    "  --version             Show the version and exit.\n"
    "  --install-completion  Install completion for the current shell.\n"
    "  --show-completion     Show completion for the current shell, to copy it or\n"
    "                        customize the installation.\n"
    "  -h, --help            Show this message and exit.\n"
    "\n"
    "Commands:\n"
    "  ask             Ask Claude one question and print the answer.\n"
    "  tokens          Count the input tokens of a request (POST...\n"
    "  describe-image  Describe one or many images, each its own request,...\n"
    "  completion      Print the shell completion script (static: Tab never...\n"
    "  chat            Chat with Claude in a REPL (/help inside lists the...\n"
    "  models          List the models your key can use and what each can do...\n"
    "  sessions        List, show, export, import, rename, delete and search...\n"
    "  config          See and edit settings (config.toml), and which...\n"
    "  batch           Bulk jobs on the Message Batches API: half price,...\n"
    "\n"
    "  Examples:\n"
    "\n"
    "    claude-cli ask 'What is the capital of France?'\n"
    "    git diff | claude-cli ask 'Review this change'\n"
    "    claude-cli chat\n"
)
