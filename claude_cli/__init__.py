"""claude-cli: a fast, faithful command-line client for Anthropic's Messages API."""

__version__ = "0.1.0"
