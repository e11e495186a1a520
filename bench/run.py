"""claude-cli's benchmark suite: one command, side by side, medians and ratios.

    python bench/run.py                 # everything, default repetitions
    python bench/run.py -n 3 --only startup,ask
    python bench/run.py --strict        # exit 1 when a budget fails
    python bench/run.py --install       # a regular `pip install .` in a temp venv
    python bench/run.py --python /tmp/rv/bin/python   # a claude-cli installed there

It starts the project's fake Messages API (tests/fakeapi.py) in its own process,
runs this checkout's claude-cli and the reference programs against it in
turn (A B A B ...), and measures each run's CPU (user + system, from the
child's rusage), wall time, peak RSS and the bytes it wrote. Medians are
compared as ratios against the budgets of issues #5, #11 and #12; the table goes to
stdout and to bench/RESULTS.md.

By default the checkout is run from this interpreter (PYTHONPATH). Issue #11's
start-up budgets are meant for a regular install: an editable one slows every
interpreter in its venv (bare Python too) and flatters the ratios. `--install`
builds one (`pip install .` into a temporary venv, PyPI reachable); `--python`
takes an interpreter that already has claude-cli installed. Bare Python, the
floor and claude-cli then all run on that interpreter.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT / "tests")]

from corpus import markdown  # noqa: E402
from harness import Failed, Sample, Series, alternate, run  # noqa: E402

PY = sys.executable
MODEL = "claude-haiku-5-5"  # any model the fake server knows (1M context, no default thinking)
MAX_TOKENS = "32000"  # never the limit (the replies are ~27K tokens), and what every model takes
RUN_FROM = "this checkout through PYTHONPATH (not a regular install)"
PARTS = ("startup", "ask", "render", "first", "growth", "session", "images")
# The console script pip writes for `claude-cli`, verbatim: start-up is measured
# as users pay it, not as `python -m` would.
LAUNCHER = """\
import re
import sys
from claude_cli.__main__ import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""


# -- the world the programs run in ------------------------------------------------


class Server:
    """bench/server.py in a child process, scripted line by line."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [PY, str(BENCH / "server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()

    def command(self, **command: object) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        if self.proc.stdout.readline().strip() != "ok":
            raise Failed("the fake server did not take the command")

    def arrival(self) -> float:
        """When the last /v1/messages request reached the server (monotonic clock)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"arrival": True}) + "\n")
        self.proc.stdin.flush()
        when = float(self.proc.stdout.readline())
        if self.proc.stdout.readline().strip() != "ok":
            raise Failed("the fake server did not take the command")
        return when

    def reply(self, text: str, **kw: object) -> None:
        self.command(reply={"text": text, **kw})

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@dataclass
class World:
    server: Server
    home: Path
    cli: list[str]  # how to run this checkout's claude-cli
    env: dict[str, str]
    args: argparse.Namespace
    py: str = PY  # the interpreter of the measured programs (claude-cli, floor, bare)

    def client(self, name: str, *prompt: str) -> list[str]:
        """The command line of one of the three streaming clients."""
        if name == "claude-cli ask":
            return [*self.cli, "ask", "-m", MODEL, "--max-tokens", MAX_TOKENS, *prompt]
        script = {"floor": "floor_client.py", "naive": "naive_render.py"}[name.split()[0]]
        return [self.py, str(BENCH / script), MODEL, MAX_TOKENS, " ".join(prompt)]


def make_world(args: argparse.Namespace, tmp: Path) -> World:
    home = tmp / "home"
    for sub in ("config", "data", "state", "cache"):
        (home / sub).mkdir(parents=True)
    bindir = tmp / "bin"
    bindir.mkdir()
    launcher = bindir / "claude-cli"
    launcher.write_text(LAUNCHER)
    global RUN_FROM
    py = PY
    if args.install:
        py = regular_install(tmp / "venv")
        RUN_FROM = "a regular install (`pip install .` into a temporary venv; --install)"
    elif args.python:
        py = str(args.python)
        RUN_FROM = f"installed for {py} (--python)"
    server = Server()
    from fakeapi import API_KEY

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "ANTHROPIC_API_KEY": API_KEY,
        "ANTHROPIC_BASE_URL": server.url,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    if py == PY:  # this checkout's code, even when another claude-cli is installed
        env["PYTHONPATH"] = str(ROOT)
    return World(server, home, [py, str(launcher)], env, args, py)


def regular_install(venv: Path) -> str:
    """`pip install .` of this checkout into a fresh venv: the python of that venv."""
    print(f"installing this checkout into {venv} (pip install .) ...", flush=True)
    subprocess.run([PY, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    done = subprocess.run(
        [py, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench: pip install . failed:\n{done.stderr[-2000:]}")
    return py


# -- results ------------------------------------------------------------------------


@dataclass
class Verdict:
    part: str
    budget: str
    measured: str
    ok: bool | None  # None: could not be decided (skipped, or a capped lower bound)

    @property
    def word(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a"}[self.ok]


@dataclass
class Table:
    part: str
    title: str
    series: dict[str, Series]
    base: str | None  # ratios are against this variant
    show_bytes: bool = False


class Report:
    def __init__(self) -> None:
        self.tables: list[Table] = []
        self.verdicts: list[Verdict] = []
        self.skipped: list[str] = []

    def table(self, table: Table) -> None:
        self.tables.append(table)
        print(render_table(table, markdown=False), flush=True)

    def check(self, part: str, budget: str, measured: str, ok: bool | None) -> None:
        verdict = Verdict(part, budget, measured, ok)
        self.verdicts.append(verdict)
        print(f"  {verdict.word}  {budget}: {measured}", flush=True)

    def skip(self, part: str, why: str) -> None:
        self.skipped.append(f"{part}: {why}")
        print(f"\n== {part}: skipped — {why}", flush=True)


def fmt_s(seconds: float, capped: bool = False) -> str:
    text = f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
    return f"> {text}" if capped else text


def fmt_bytes(n: float) -> str:
    for unit, size in (("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"


def ratio(a: Series, b: Series, attr: str) -> float:
    return a.median(attr) / b.median(attr)


def render_table(table: Table, *, markdown: bool) -> str:
    head = ["variant", "runs", "CPU", "wall", "peak RSS"]
    if table.show_bytes:
        head.append("bytes out")
    if table.base:
        head += [f"CPU / {table.base}", f"wall / {table.base}"]
    rows = []
    base = table.series.get(table.base) if table.base else None
    for name, s in table.series.items():
        row = [
            name,
            str(len(s.samples)),
            fmt_s(s.median("cpu"), s.capped),
            fmt_s(s.median("wall"), s.capped),
            f"{s.median('rss_mb'):.0f} MB",
        ]
        if table.show_bytes:
            row.append(("> " if s.capped else "") + fmt_bytes(s.median("nbytes")))
        if base is not None:
            mark = "> " if s.capped and name != table.base else ""
            row += [f"{mark}{ratio(s, base, 'cpu'):.2f}x", f"{mark}{ratio(s, base, 'wall'):.2f}x"]
        rows.append(row)
    if markdown:
        lines = [f"### {table.title}", "", "| " + " | ".join(head) + " |"]
        lines.append("|" + "|".join("---" for _ in head) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = [f"\n== {table.title}"]
    for r in [head, *rows]:
        lines.append("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    return "\n".join(lines)


# -- the parts ----------------------------------------------------------------------


def warm(world: World, cmd: list[str], env: dict[str, str] | None = None) -> Sample:
    """One unmeasured run: byte-code compiled, files in the page cache."""
    return run(cmd, env or world.env)


#: What bash runs on Tab once the installed script is sourced (the shell does the
#: sourcing once per session; here it is paid on every run, an upper bound).
TAB_DRIVER = r"""
source "$1" || exit 97
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_claude_cli
printf '%s\n' "${COMPREPLY[@]}"
"""
LEGACY_TAB = "Tab, Typer's protocol (earlier installs)"


def part_startup(world: World, report: Report) -> None:
    # Tab as installed by `claude-cli --install-completion`: the static script, no Python.
    script = world.home / "claude-cli.bash"
    script.write_bytes(run([*world.cli, "--show-completion", "bash"], world.env).output)
    tab = ["/bin/bash", "--norc", "--noprofile", "-c", TAB_DRIVER, "bash", str(script)]
    # A completion installed by an earlier version (Typer's) still runs the program.
    legacy_env = {
        **world.env,
        "_CLAUDE_CLI_COMPLETE": "complete_bash",
        "COMP_WORDS": "claude-cli as",
        "COMP_CWORD": "1",
    }
    variants: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([world.py, "-c", "pass"], world.env),
        "claude-cli --help": ([*world.cli, "--help"], world.env),
        "claude-cli --version": ([*world.cli, "--version"], world.env),
        "Tab completion": ([*tab, "claude-cli", "as"], world.env),
        LEGACY_TAB: (world.cli, legacy_env),
    }
    for name, (cmd, env) in variants.items():
        out = warm(world, cmd, env).output
        if name in ("Tab completion", LEGACY_TAB) and out.split() != [b"ask"]:
            raise Failed(f"{name} of 'as' answered {out!r}, expected 'ask'")

    series = alternate(list(variants), world.args.startup_rounds, lambda n: run(*variants[n]))
    report.table(Table("startup", "1. Start-up", series, "python -c pass"))
    for name in list(variants)[1:]:
        if name == LEGACY_TAB:
            continue  # shown, not budgeted: claude-cli no longer installs it
        r = ratio(series[name], series["python -c pass"], "cpu")
        report.check("startup", f"{name} CPU ≤ 5x bare Python", f"{r:.2f}x", r <= 5)


SHORT_REPLY = "The capital of France is Paris."


def part_ask(world: World, report: Report) -> None:
    part_short_ask(world, report)
    words = world.args.words
    text = markdown(words)
    chunk = world.args.chunk_tokens
    names = ["claude-cli ask", "floor (raw httpx)"]

    def measure(name: str, check: bool = False) -> Sample:
        world.server.reply(text, chunk_tokens=chunk)
        sample = run(world.client(name, "Write", "at", "length"), world.env)
        if check and sample.output.decode() != text:
            raise Failed(f"{name} printed something else than the reply")
        return sample

    for name in names:
        measure(name, check=True)
    series = alternate(names, world.args.rounds, measure)
    title = f"2. ask, piped: a {words:,}-word reply ({chunk} tokens per delta)"
    report.table(Table("ask", title, series, "floor (raw httpx)", show_bytes=True))
    r = ratio(series["claude-cli ask"], series["floor (raw httpx)"], "cpu")
    report.check("ask", "ask CPU ≤ 1.3x the raw-httpx floor", f"{r:.2f}x", r <= 1.3)


def part_short_ask(world: World, report: Report) -> None:
    """Issue #11: a short piped ask is mostly start-up; its budget is tighter."""
    names = ["claude-cli ask", "floor (raw httpx)"]

    def measure(name: str, check: bool = False) -> Sample:
        world.server.reply(SHORT_REPLY)
        sample = run(world.client(name, "What", "is", "the", "capital?"), world.env)
        if check and sample.output.decode().strip() != SHORT_REPLY:
            raise Failed(f"{name} printed {sample.output[:200]!r}, not the reply")
        return sample

    for name in names:
        measure(name, check=True)
    series = alternate(names, world.args.startup_rounds, measure)
    title = f"2a. ask, piped: a short reply ({len(SHORT_REPLY.split())} words)"
    report.table(Table("ask", title, series, "floor (raw httpx)"))
    r = ratio(series["claude-cli ask"], series["floor (raw httpx)"], "cpu")
    report.check("ask", "short ask CPU ≤ 1.2x the raw-httpx floor", f"{r:.2f}x", r <= 1.2)


def part_render(world: World, report: Report) -> None:
    args = world.args
    cases = [
        ("a", args.words, None, f"{args.words:,} words as fast as the server sends"),
        ("b", args.paced_words, args.rate, f"{args.paced_words:,} words at {args.rate:g} words/s"),
    ]
    names = ["claude-cli ask", "floor (raw text)", "naive (rich Live)"]
    for label, words, rate, what in cases:
        text = markdown(words)

        def measure(name: str, text: str = text, rate: float | None = rate) -> Sample:
            world.server.reply(text, chunk_tokens=args.chunk_tokens, words_per_second=rate)
            cap = args.cap if name.startswith("naive") else None
            return run(world.client(name, "Write", "at", "length"), world.env, tty=True, cap=cap)

        if rate is None:  # warm-up (the paced case would only cost time)
            for name in names[:2]:
                measure(name)
        series = alternate(
            names, args.rounds, measure, limits={"naive (rich Live)": args.naive_rounds}
        )
        title = f"3{label}. Streaming render on a 100x40 pseudo-terminal: {what}"
        report.table(Table("render", title, series, "floor (raw text)", show_bytes=True))
        ours, floor, naive = (series[n] for n in names)
        # Issue #12's budgets: rich renders now, so CPU may be 2.5x (fast) / 2x (paced).
        cpu_budget = 2.5 if rate is None else 2.0
        r = ratio(ours, floor, "cpu")
        report.check("render", f"3{label} CPU ≤ {cpu_budget}x floor", f"{r:.2f}x", r <= cpu_budget)
        if rate is not None:
            r = ratio(ours, floor, "wall")
            report.check("render", f"3{label} wall ≤ 1.1x floor", f"{r:.2f}x", r <= 1.1)
        r = ratio(ours, floor, "nbytes")
        report.check("render", f"3{label} bytes ≤ 2x floor", f"{r:.2f}x", r <= 2)
        r = ratio(naive, ours, "cpu")
        if naive.capped:
            ok = True if r >= 10 else None
            measured = f"> {r:.1f}x (naive stopped at the {args.cap:g} s cap)"
        else:
            ok, measured = r >= 10, f"{r:.1f}x"
        report.check("render", f"3{label} naive CPU ≥ 10x ours", measured, ok)


def part_first(world: World, report: Report) -> None:
    """From the reply's first byte to its text on a 100x40 pseudo-terminal.

    The server holds each reply FIRST_LATENCY seconds after the request arrives, so
    the first byte leaves at arrival + latency (its clock is the harness's: both are
    CLOCK_MONOTONIC); the harness notes when the first word reaches the terminal.
    Start-up and the request are outside the figure: this is the renderer's delay
    (and the warm-up of rich while the request is in flight), side by side with raw.
    """
    latency = 0.3
    text = "Firstword " + markdown(300)
    names = ["claude-cli ask", "floor (raw text)"]

    def measure(name: str) -> Sample:
        world.server.reply(text, chunk_tokens=1, latency=latency)
        sample = run(
            world.client(name, "Write", "at", "length"), world.env, tty=True, marker=b"Firstword"
        )
        if sample.seen is None:
            raise Failed(f"{name} never showed the reply's first word")
        sample.first = sample.seen - (world.server.arrival() + latency)
        return sample

    for name in names:
        measure(name)  # warm-up
    series = alternate(names, world.args.rounds, measure)
    ours, floor = (series[n].median("first") for n in names)
    print(
        "\n== 3c. First byte of the reply → its text on a 100x40 pseudo-terminal "
        f"(server latency {latency:g} s)\n"
        f"  claude-cli ask {ours * 1000:.1f} ms, floor (raw text) {floor * 1000:.1f} ms"
    )
    over = (ours - floor) * 1000
    report.check("first", "3c first byte → screen ≤ 50 ms over raw", f"{over:+.1f} ms", over <= 50)


def part_growth(world: World, report: Report) -> None:
    """One long block of each shape, in 1-word deltas (bench/growth.py, in-process CPU)."""
    done = subprocess.run(
        [PY, str(Path(__file__).parent / "growth.py"), "--json"],
        capture_output=True,
        text=True,
        env={**world.env, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if not rows:
        raise Failed(f"bench/growth.py failed: {done.stderr.strip()[-500:]}")
    print("\n== Growth inside one block: 1-word deltas at 100 words/s (CPU in-process)")
    for row in rows:
        r = row["per_long"] / row["per_short"]
        what = (
            f"{row['per_short'] * 1e6:.0f} → {row['per_long'] * 1e6:.0f} µs/word "
            f"({row['short']:,} → {row['long']:,} words): {r:.2f}x"
        )
        report.check("growth", f"{row['shape']} cost per word ≤ 2x", what, r <= 2)
        lag = f"{row['lag']:.2f} s"
        report.check("growth", f"{row['shape']} screen ≤ 0.5 s behind", lag, row["lag"] <= 0.5)


def has_option(world: World, args: list[str], needle: str) -> bool:
    done = subprocess.run([*world.cli, *args], env=world.env, capture_output=True)
    return done.returncode == 0 and needle in done.stdout.decode("utf-8", "replace")


def part_session(world: World, report: Report) -> None:
    if not has_option(world, ["ask", "--help"], "--session"):
        return report.skip("4. session", "not available yet (`ask --help` has no --session)")
    if not has_option(world, ["sessions", "--help"], "import"):
        return report.skip("4. session", "not available yet (no `sessions import`)")
    turns = world.args.session_turns
    messages = []
    filler = markdown(80, seed=9).replace("\n", " ")
    for i in range(turns):
        messages.append({"role": "user", "content": f"Question {i}: {filler[:400]}"})
        messages.append({"role": "assistant", "content": f"Answer {i}: {filler[:600]}"})
    path = world.home / "big-session.json"
    path.write_text(json.dumps(messages))
    size = path.stat().st_size
    run([*world.cli, "sessions", "import", "big", str(path)], world.env)
    counter = iter(range(1_000_000))
    names = [f"{turns:,}-turn session ({fmt_bytes(size)})", "fresh session"]

    def measure(name: str) -> Sample:
        session = "big" if name == names[0] else f"fresh-{next(counter)}"
        world.server.reply("A short answer.")
        return run([*world.cli, "ask", "--session", session, "-m", MODEL, "hi"], world.env)

    for name in names:
        measure(name)
    series = alternate(names, world.args.rounds, measure)
    report.table(Table("session", "4. ask --session, piped", series, "fresh session"))
    extra = series[names[0]].median("cpu") - series[names[1]].median("cpu")
    report.check("session", "long session adds ≤ 0.1 s CPU", f"{extra:+.3f} s", extra <= 0.1)


def photos(count: int) -> list[Path]:
    """Large, noisy 3000x2000 JPEGs (several MB each), made once and kept in /tmp."""
    from PIL import Image, ImageFilter

    folder = Path(tempfile.gettempdir()) / "claude-cli-bench-photos-v3"
    folder.mkdir(exist_ok=True)
    paths = [folder / f"photo-{i:02d}.jpg" for i in range(count)]
    for i, path in enumerate(paths):
        if path.exists():
            continue
        size = (3000, 2000)
        # Smooth shapes (a blurred coarse noise field) plus fine sensor noise per channel.
        bands = []
        for c in range(3):
            coarse = Image.effect_noise((15, 10), 90).resize(size, Image.Resampling.BICUBIC)
            coarse = coarse.filter(ImageFilter.GaussianBlur(8))
            fine = Image.effect_noise(size, 24 + 4 * c + i)
            bands.append(Image.blend(coarse, fine, 0.5))
        tmp = path.with_suffix(".tmp")
        Image.merge("RGB", bands).save(tmp, "JPEG", quality=95)
        os.replace(tmp, path)
    return paths


def part_images(world: World, report: Report) -> None:
    if not has_option(world, ["--help"], "describe-image"):
        return report.skip("5. images", "not available yet (no `describe-image` command)")
    paths = photos(16)
    mb = sum(p.stat().st_size for p in paths) / (1 << 20)
    world.server.command(latency=world.args.latency)
    cmd = [*world.cli, "describe-image", *map(str, paths)]
    try:
        warm(world, cmd)
        name = f"describe-image, 16 photos ({mb:.0f} MB)"
        series = alternate([name], world.args.image_rounds, lambda n: run(cmd, world.env))
    finally:
        world.server.command(latency=0)
    title = f"5. describe-image: 16 3000x2000 JPEGs, {world.args.latency:g} s service latency"
    report.table(Table("images", title, series, None))
    wall, rss = series[name].median("wall"), series[name].median("rss_mb")
    report.check("images", "16 images ≤ 2.5 s wall", fmt_s(wall), wall <= 2.5)
    report.check("images", "peak memory < 300 MB", f"{rss:.0f} MB", rss < 300)


# -- the machine and the file ------------------------------------------------------


def machine() -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for dist in ("typer", "rich", "httpx"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{dist} {metadata.version(dist)}")
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        commit = ""
    return [
        f"- claude-cli: {RUN_FROM}",
        f"- CPU: {cpu}, {os.cpu_count()} cores (shared, noisy)",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- {', '.join(versions)}",
        f"- Date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
        + (f", commit {commit}" if commit else ""),
    ]


def write_results(path: Path, report: Report, args: argparse.Namespace) -> None:
    lines = [
        "# Benchmark results",
        "",
        'Written by `python bench/run.py`; see README.md, "Benchmarks". Medians of '
        f"{args.rounds} alternating runs ({args.startup_rounds} for start-up); CPU is user + "
        "system time of the child process, RSS its peak resident memory.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Budgets",
        "",
        "| part | budget | measured | verdict |",
        "|---|---|---|---|",
    ]
    lines += [f"| {v.part} | {v.budget} | {v.measured} | {v.word} |" for v in report.verdicts]
    for skipped in report.skipped:
        part, why = skipped.split(": ", 1)
        lines.append(f"| {part} | — | {why} | skipped |")
    lines += ["", "## Measurements", ""]
    lines += [render_table(t, markdown=True) for t in report.tables]
    # The batch benches (bench/batch_*.py) are run by hand; their section is kept.
    old = path.read_text() if path.exists() else ""
    kept = old[old.index(BATCH_SECTION) :] if BATCH_SECTION in old else ""
    path.write_text("\n".join(lines) + ("\n\n" + kept if kept else ""))


BATCH_SECTION = "## Batch jobs (bench/batch_*.py, run by hand)"


# -- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("-n", "--rounds", type=int, default=5, help="runs of each variant (default 5)")
    p.add_argument("--startup-rounds", type=int, default=20, help="start-up runs (default 20)")
    p.add_argument("--naive-rounds", type=int, default=2, help="runs of the naive renderer")
    p.add_argument("--image-rounds", type=int, default=3, help="runs of describe-image")
    p.add_argument("--only", default=",".join(PARTS), help=f"parts to run, from {PARTS}")
    p.add_argument("--words", type=int, default=20_000, help="long reply length (20000)")
    p.add_argument("--paced-words", type=int, default=3_000, help="paced reply length (3000)")
    p.add_argument("--rate", type=float, default=300, help="paced reply words/s (300)")
    p.add_argument("--chunk-tokens", type=int, default=2, help="tokens per text delta (2)")
    p.add_argument("--cap", type=float, default=30, help="naive renderer wall cap, s (30)")
    p.add_argument("--session-turns", type=int, default=2_000, help="long session turns")
    p.add_argument("--latency", type=float, default=0.5, help="image service latency, s")
    p.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help="results file")
    p.add_argument("--no-write", action="store_true", help="do not write the results file")
    p.add_argument("--strict", action="store_true", help="exit 1 when a budget fails")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--install",
        action="store_true",
        help="measure a regular install (pip install . into a temp venv)",
    )
    where.add_argument(
        "--python", type=Path, help="measure the claude-cli installed for this interpreter"
    )
    args = p.parse_args(argv)
    args.parts = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        p.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts: dict[str, Callable[[World, Report], None]] = {
        "startup": part_startup,
        "ask": part_ask,
        "render": part_render,
        "first": part_first,
        "growth": part_growth,
        "session": part_session,
        "images": part_images,
    }
    report = Report()
    with tempfile.TemporaryDirectory(prefix="claude-cli-bench-") as tmp:
        world = make_world(args, Path(tmp))
        print("\n".join(machine()), flush=True)
        errors = 0
        try:
            for name in args.parts:
                try:
                    parts[name](world, report)
                except Failed as e:  # a broken run: say so, go on with the other parts
                    errors += 1
                    print(f"bench: {name}: {e}", file=sys.stderr)
                    report.skip(name, f"could not be measured: {str(e)[:200]}")
                    world.server.command(clear=True, latency=0)
        finally:
            world.server.stop()
    if not args.no_write:
        write_results(args.results, report, args)
        print(f"\nwrote {args.results}")
    failed = [v for v in report.verdicts if v.ok is False]
    print(f"\n{len(report.verdicts) - len(failed)} of {len(report.verdicts)} budgets met")
    if errors:
        return 2
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
