"""Hostile strings from a server, a file or the environment never reach the terminal raw,
and our secrets never reach it at all (issue 9: terminal injection, leaks).

The real CLI runs against the real fake server; what the user would see on stderr
(and stdout for `config show`) must hold no escape, C1 or bidi character.
"""

from __future__ import annotations

import base64
import io
import json
import re
import sys
from pathlib import Path

import pytest

from fakeapi import API_KEY

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # writes the clipboard
OSC0 = "\x1b]0;pwned\x07"  # sets the window title
CLEAR = "\x1b[2J"
DCS = "\x1bP1$qm\x1b\\"
C1 = "\x9b31m"  # CSI as one C1 byte
BIDI = "\u202egnp.exe"  # right-to-left override
HOSTILE = OSC52 + OSC0 + CLEAR + DCS + C1 + BIDI + "\u2066x\u2069"

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_safe(text: str) -> None:
    found = UNSAFE.findall(text)
    assert not found, f"raw control or bidi characters reached the terminal: {found!r}"


def test_server_error_message_and_type_are_made_visible(run, api) -> None:
    api.fail(400, error_type="invalid_request_error" + OSC0, message="bad " + HOSTILE)
    r = run("ask", "hi")
    assert r.code == 1
    assert_safe(r.err)
    assert "^[]52;c;" in r.err  # visible, not executed
    assert "<U+202E>gnp.exe" in r.err
    assert r.err.count("\n") == 1  # still one line


def test_request_id_header_is_made_visible(run, api) -> None:
    # Header bytes are latin-1 on the wire: send the UTF-8 of U+202E and of U+009B.
    rid = "req_" + "\u202e\x9b".encode().decode("latin-1") + "evil"
    api.fail(500, message="boom", headers={"request-id": rid})
    r = run("ask", "--max-retries", "0", "hi")
    assert r.code == 1
    assert "request-id" in r.err
    assert_safe(r.err)
    assert "<U+202E>" in r.err


def test_stream_error_event_message_is_made_visible(run, api) -> None:
    event = json.dumps({"type": "error", "error": {"type": "overloaded_error", "message": HOSTILE}})
    raw = (
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1",'
        '"type":"message","role":"assistant","model":"claude-sonnet-5-5","content":[],'
        '"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n'
        f"event: error\ndata: {event}\n\n"
    )
    api.reply(raw_sse=raw.encode())
    r = run("ask", "--max-retries", "0", "hi")
    assert r.code == 5
    assert_safe(r.err)
    assert "^[]0;pwned^G" in r.err


def test_a_file_name_in_an_error_is_made_visible(run, api, tmp_path: Path) -> None:
    r = run("ask", "-i", str(tmp_path / ("photo" + HOSTILE + ".png")), "hi")
    assert r.code != 0
    assert "photo" in r.err
    assert_safe(r.err)


def test_an_argument_in_a_usage_error_is_made_visible(run, api) -> None:
    # click escapes C0 in most messages, but not bidi, and not in all of them.
    r = run("sessions", "rename", "a", "b", "c" + OSC0 + BIDI)
    assert r.code == 2
    assert "unexpected extra argument" in r.err
    assert_safe(r.err)


def test_a_config_value_is_made_visible_in_set_and_show(run, api) -> None:
    r = run("config", "set", "system", "be nice" + HOSTILE)
    assert r.code == 0, r.err
    assert_safe(r.err)
    shown = run("config", "show")
    assert shown.code == 0, shown.err
    assert_safe(shown.out)
    as_json = run("config", "show", "--json")
    assert_safe(as_json.out)
    # The same data, escaped: JSON readers get the value back exactly.
    assert json.loads(as_json.out)["settings"]["system"]["value"] == "be nice" + HOSTILE


def test_a_server_echoing_our_api_key_does_not_print_it(run, api) -> None:
    api.fail(401, "authentication_error", f"invalid header x-api-key: {API_KEY}")
    r = run("ask", "hi")
    assert r.code == 1
    assert API_KEY not in r.err
    assert "x-api-key: ***" in r.err


def test_a_server_echoing_our_auth_token_does_not_print_it(run, api) -> None:
    token = "gateway-token-0123456789"
    api.fail(403, "permission_error", f"Authorization: Bearer {token} is not allowed")
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": None, "ANTHROPIC_AUTH_TOKEN": token})
    assert r.code == 1
    assert token not in r.err
    assert "Bearer ***" in r.err


def test_a_key_from_api_key_command_is_never_printed(run, api, home: Path) -> None:
    # Not shaped like sk-ant-...: only knowing it is ours can hide it.
    key = "plain-gateway-secret-42"
    api.fail(401, "authentication_error", f"key {key} unknown")
    cfg = home / "config" / "claude-cli" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f'api_key_command = "echo {key}"\n')
    env = {"ANTHROPIC_API_KEY": None}
    r = run("ask", "hi", env=env)
    assert r.code == 1
    assert key not in r.err
    assert api.requests[-1].headers["x-api-key"] == key  # it was used, only not shown
    shown = run("config", "show", env=env)
    assert shown.code == 0, shown.err
    assert key not in shown.out
    assert "echo …" in shown.out


def test_any_key_shaped_string_from_the_server_is_masked(run, api) -> None:
    api.fail(400, message="the key sk-ant-api03-someone-elses-key was revoked")
    r = run("ask", "hi")
    assert "someone-elses-key" not in r.err
    assert "sk-ant-***" in r.err


BASE_AUTH = "https://bob:s3cret-url-pass@gw.example"


@pytest.mark.parametrize(
    "args",
    [
        ("ask", "--dry-run", "hi"),
        ("ask", "--curl", "hi"),
        ("config", "show"),
        ("config", "show", "--json"),
    ],
)
def test_a_password_in_the_base_url_is_never_shown(run, api, args: tuple[str, ...]) -> None:
    r = run(*args, env={"ANTHROPIC_BASE_URL": BASE_AUTH})
    assert r.code == 0, r.err
    assert "s3cret-url-pass" not in r.out + r.err
    assert "gw.example" in r.out + r.err or "${ANTHROPIC_BASE_URL%/}" in r.out


def test_config_show_masks_the_base_url_password(run, api) -> None:
    r = run("config", "show", env={"ANTHROPIC_BASE_URL": BASE_AUTH})
    assert "https://bob:***@gw.example" in r.out


def test_curl_refers_to_the_variable_holding_the_password(run, api) -> None:
    r = run("ask", "--curl", "hi", env={"ANTHROPIC_BASE_URL": BASE_AUTH + "/"})
    assert r.out.startswith('curl -sS "${ANTHROPIC_BASE_URL%/}"/v1/messages')


def test_curl_leaves_out_a_password_from_the_config_file(run, api, home: Path) -> None:
    cfg = home / "config" / "claude-cli" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f'base_url = "{BASE_AUTH}"\n')
    r = run("ask", "--curl", "hi", env={"ANTHROPIC_BASE_URL": None})
    assert r.code == 0, r.err
    assert r.out.startswith("curl -sS https://gw.example/v1/messages")
    assert "s3cret-url-pass" not in r.out


def test_a_base_url_password_is_sent_but_not_printed_in_errors(run, api) -> None:
    host = api.url.removeprefix("http://")
    api.fail(400, message=f"denied for http://bob:s3cret-url-pass@{host}")
    r = run("ask", "hi", env={"ANTHROPIC_BASE_URL": f"http://bob:s3cret-url-pass@{host}"})
    assert r.code == 1
    assert "s3cret-url-pass" not in r.err
    sent = api.requests[-1].headers
    assert sent["authorization"] == "Basic " + base64.b64encode(b"bob:s3cret-url-pass").decode()
    assert sent["x-api-key"] == API_KEY


def test_a_base_url_password_is_not_printed_when_unreachable(run, api) -> None:
    r = run(
        "ask",
        "--max-retries",
        "0",
        "hi",
        env={"ANTHROPIC_BASE_URL": "http://bob:s3cret-url-pass@127.0.0.1:9"},
    )
    assert r.code == 4
    assert "s3cret-url-pass" not in r.err
    assert "127.0.0.1:9" in r.err


# -- on a real terminal (pexpect + pyte): what a person would see ------------------


def test_on_a_terminal_a_server_error_cannot_set_the_title(api, cli_env) -> None:
    from terminal import read_all, spawn

    api.fail(400, error_type="invalid_request_error", message="no " + HOSTILE)
    screen = read_all(spawn(["ask", "hi"], cli_env))
    assert screen.title == ""
    assert "\x1b]52" not in screen.raw and "\x1b]0;pwned" not in screen.raw
    assert "\u202e" not in screen.raw and "\x9b" not in screen.raw
    assert "^[]0;pwned^G" in screen.text


def test_on_a_terminal_a_hostile_stop_reason_is_made_visible(api, cli_env) -> None:
    from terminal import read_all, spawn

    api.reply("fine", stop_reason="odd" + OSC0 + BIDI)
    screen = read_all(spawn(["ask", "hi"], cli_env))
    assert screen.title == ""
    assert "\u202e" not in screen.raw
    assert "stop: odd^[]0;pwned^G<U+202E>gnp.exe" in screen.text


@pytest.mark.parametrize("args", [("ask", "hi"), ("ask", "--plain", "hi")])
def test_on_a_terminal_bidi_overrides_in_model_text_are_made_visible(
    api, cli_env, args: tuple[str, ...]
) -> None:
    from terminal import read_all, spawn

    api.reply("the file is \u202egnp.exe and \u2066isolated\u2069")
    screen = read_all(spawn(list(args), cli_env))
    assert "\u202e" not in screen.raw and "\u2066" not in screen.raw
    assert "<U+202E>gnp.exe" in screen.text and "<U+2066>isolated<U+2069>" in screen.text


@pytest.mark.parametrize("args", [("ask", "hi"), ("ask", "--plain", "hi"), ("ask", "--json", "hi")])
def test_lone_surrogates_in_model_text_never_become_raw_c1_bytes(
    api, cli_env, args: tuple[str, ...]
) -> None:
    """Under a C/POSIX locale Python writes a lone surrogate ("\\udc9b" in the JSON) as
    the raw byte 0x9B: a CSI to a terminal that honours 8-bit controls."""
    import pexpect

    api.reply("A\udc9d0;PWNED\udc9c\udc9b2J B")
    env = {k: v for k, v in cli_env.items() if k != "PYTHONIOENCODING"}
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", TERM="xterm-256color")
    child = pexpect.spawn(
        sys.executable, ["-m", "claude_cli", *args], env=env, dimensions=(24, 80), timeout=30
    )
    raw = child.read()
    child.close()
    assert child.exitstatus == 0, raw
    # Decoded: UTF-8 text such as the "✻ thinking…" status holds 0x9C inside a character;
    # a raw C1 byte shows up as a surrogate, a C1 character as itself.
    text = raw.decode("utf-8", "surrogateescape")
    assert not [c for c in text if 0x80 <= ord(c) <= 0x9F or 0xDC80 <= ord(c) <= 0xDCFF], raw
    assert "PWNED" in raw.decode("utf-8", "replace")


def test_every_form_of_a_base_url_password_is_masked_in_echoes(run, api) -> None:
    """A gateway echoing the Basic header we sent, or the password as typed in the URL
    (percent-encoded), must not print it: base64 decodes to the password."""
    host = api.url.removeprefix("http://")
    sent = base64.b64encode(b"user:TOK@PW123").decode()
    typed = base64.b64encode(b"user:TOK%40PW123").decode()
    api.fail(
        401,
        "authentication_error",
        f"Authorization: Basic {sent}; as typed {typed}; raw TOK%40PW123; decoded TOK@PW123",
    )
    r = run(
        "ask",
        "--max-retries",
        "0",
        "hi",
        env={"ANTHROPIC_BASE_URL": f"http://user:TOK%40PW123@{host}"},
    )
    assert r.code == 1, r.err
    assert api.requests[-1].headers["authorization"] == f"Basic {sent}"  # sent, not shown
    for leaked in (sent, typed, "TOK%40PW123", "TOK@PW123", "PW123"):
        assert leaked not in r.err
    assert "Authorization: Basic ***" in r.err


def test_curl_shows_api_key_command_as_config_show_does(run, api, home: Path) -> None:
    """`echo SECRET` prints its own argument: --curl hides it like `config show`."""
    cfg = home / "config" / "claude-cli" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('api_key_command = "echo hunter2notakey"\n')
    env = {"ANTHROPIC_API_KEY": None}
    curl = run("ask", "--curl", "hi", env=env)
    assert curl.code == 0, curl.err
    assert "hunter2notakey" not in curl.out + curl.err
    assert "api_key_command (config.toml): echo …" in curl.out
    shown = run("config", "show", env=env)
    assert "echo …" in shown.out and "hunter2notakey" not in shown.out


RAW_DANGER = ("\x1b]52", "\x1b]0;pwned", "\x1b[2J", "\x1bP1$", "\x9b", "\u202e", "\u2066")


def test_in_chat_hostile_session_fields_and_server_errors_are_made_visible(
    run, api, cli_env, home: Path
) -> None:
    """A session file's name, system and model, and a server's error text, reach the chat
    header, /system, /sessions, /usage and /model: each is shown made visible, never raw."""
    import pexpect

    from terminal import emulate, spawn

    assert run("ask", "-S", "evil", "hi").code == 0
    path = home / "data" / "claude-cli" / "sessions" / "evil.json"
    doc = json.loads(path.read_text())
    doc["name"] = "evil" + HOSTILE
    doc["system"] = "be nice" + HOSTILE
    doc["model"] = "claude-evil" + HOSTILE
    for reply in doc["replies"]:
        reply["model"] = "claude-evil" + HOSTILE
    path.write_text(json.dumps(doc))
    api.fail(400, error_type="invalid_request_error" + OSC0, message="no " + HOSTILE)
    env = {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = spawn(["chat", "-S", "evil"], env, rows=40, cols=200)
    child.logfile_read = io.StringIO()  # every byte the terminal was sent
    child.expect("›")
    steps = [
        ("/system", "be nice"),
        ("/sessions", "hi"),
        ("/usage", "session evil"),
        ("/model", "model: "),
        ("hello", "error: "),
        ("/usage", "session evil"),
    ]
    for line, shown in steps:  # each answer is awaited before the next line is typed
        child.send(line + "\r")
        child.expect_exact(shown)
        child.expect_exact("›")
    child.send("/exit\r")
    child.expect(pexpect.EOF)
    child.close()
    raw = child.logfile_read.getvalue() if child.logfile_read else ""
    assert raw
    for danger in RAW_DANGER:
        assert danger not in raw, danger
    screen = emulate(raw, 40, 200)
    assert screen.title == ""
    text = screen.text
    assert "be nice^[]52;c;" in text  # /system
    assert "claude-evil^[]52;c;" in text  # header, /model, /usage
    assert "no ^[]52;c;" in text and "<U+202E>gnp.exe" in text  # the server's error
