"""Errors the user can see, and the exit codes they map to.

    CliError                  one line for the user, an exit code
    ├── UsageError            bad arguments or input (exit 2)
    ├── ConfigError           config file, settings or credentials (exit 3)
    ├── ApiError              the API answered with an error status (exit 1)
    │   └── PrefillRefused    the model will not continue an assistant turn
    ├── TransportError        could not reach the API / timed out (exit 4)
    ├── StreamInterrupted     the reply broke off mid-stream (exit 5)
    │   ├── ProtocolError     the server sent something malformed (exit 5)
    │   │   └── FlawedReply   ...only around a reply that arrived whole: it is kept
    │   └── StreamApiError    an `error` event mid-stream; also an ApiError (exit 1,
    │                         or 5 when it is a retryable one that outlasted the retries)
    ├── SessionError          a session file or name is at fault (exit 6)
    ├── Refused               the model declined to answer (exit 7; ask, a piped chat)
    ├── ask.CutOff            the reply stopped at max_tokens (exit 8)
    ├── OutputError           stdout is closed or cannot be written (exit 74)
    └── Interrupted           Ctrl-C (exit 130)

Every message is made safe for a terminal when the error is made (term.clean:
secrets masked, control and bidi characters visible): it may quote a server or a
file, and it is printed by more than one place.

Nothing here imports httpx, rich or typer: every layer may raise these.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    API_ERROR = 1
    USAGE = 2
    CONFIG = 3
    NETWORK = 4
    STREAM_INTERRUPTED = 5
    SESSION = 6
    REFUSED = 7  # the model declined (stop_reason "refusal"): the output is not an answer
    CUT_OFF = 8  # the reply reached max_tokens: the output is incomplete
    OUTPUT = 74  # sysexits' EX_IOERR
    INTERNAL = 70  # a bug: sysexits' EX_SOFTWARE
    INTERRUPTED = 130


class CliError(Exception):
    """`message` is the one-line error; `detail`, when given, is help printed below it."""

    exit_code: int = ExitCode.API_ERROR

    def __init__(self, message: str, detail: str | None = None) -> None:
        from claude_cli.terminal.term import (
            clean,  # here, not at import: `--help` never makes an error
        )

        message = clean(message)
        super().__init__(message)
        self.message = message
        self.detail = clean(detail) if detail is not None else None

    def __str__(self) -> str:
        return self.message


class UsageError(CliError):
    exit_code = ExitCode.USAGE


class ConfigError(CliError):
    exit_code = ExitCode.CONFIG


class SessionError(CliError):
    exit_code = ExitCode.SESSION


class OutputError(CliError):
    """stdout is closed or cannot be written (disk full): what was printed is incomplete."""

    exit_code = ExitCode.OUTPUT


class TransportError(CliError):
    exit_code = ExitCode.NETWORK


class ApiError(CliError):
    """An HTTP error answer from the API, or an `error` event in a stream."""

    exit_code = ExitCode.API_ERROR

    def __init__(
        self,
        status: int | None,
        error_type: str,
        api_message: str,
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        # Server strings, each on one line and safe to print wherever they end up.
        self.status = status
        self.error_type = _one_line(error_type)
        self.api_message = api_message = _one_line(api_message)
        self.request_id = request_id = _one_line(request_id) if request_id else request_id
        self.hint = hint
        parts = ["API error"]
        if status is not None:
            parts.append(str(status))
        parts.append(f"{self.error_type}:")
        line = " ".join(parts) + f" {api_message}"
        if request_id:
            line += f" (request-id {request_id})"
        if hint:
            line += f". {hint}"
        super().__init__(line)


class PrefillRefused(ApiError):
    """The chosen model rejects a final assistant turn."""


class Refused(CliError):
    """stop_reason "refusal": the reply is not an answer (`ask`; a piped `chat` ends)."""

    exit_code = ExitCode.REFUSED


class StreamInterrupted(CliError):
    """The stream broke off; the text already shown stays shown."""

    exit_code = ExitCode.STREAM_INTERRUPTED


class ProtocolError(StreamInterrupted):
    """The server broke the protocol (a malformed event or body): not worth re-sending."""


class FlawedReply(ProtocolError):
    """The reply's content arrived whole, but what came with it is malformed (its usage,
    the message_delta's delta). It was paid for, so `reply` (the Message as it came, with
    no "usage" when that was the flaw) is shown and kept before the error is reported."""

    def __init__(self, message: str, reply: dict) -> None:
        super().__init__(message)
        self.reply = reply

    def kept(self, where: str) -> ProtocolError:
        """The error to report once the reply is kept: it says where."""
        return ProtocolError(f"{self.message}; {where}")


class StreamApiError(ApiError, StreamInterrupted):
    """An `error` event after HTTP 200. `retryable` follows the HTTP status rules for its
    error type. One that is not (invalid_request_error...) exits like an HTTP error (1);
    a retryable one (overloaded_error...) broke the reply off: exit 5. Being a
    StreamInterrupted too, whoever cleans up after a broken stream still does."""

    def __init__(self, err: ApiError, *, retryable: bool) -> None:
        super().__init__(err.status, err.error_type, err.api_message, err.request_id, err.hint)
        self.retryable = retryable
        self.exit_code = ExitCode.STREAM_INTERRUPTED if retryable else ExitCode.API_ERROR


class Interrupted(CliError):
    """Ctrl-C: what was shown stays shown; exit 130 like a shell."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self) -> None:
        super().__init__("interrupted")


def _one_line(text: str) -> str:
    from claude_cli.terminal.term import clean

    return " ".join(clean(str(text)).split())
