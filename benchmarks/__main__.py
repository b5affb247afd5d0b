"""Run every ``benchmarks/bench_*.py`` and write their Markdown, with the machine, to docs/benchmarks.md.

Each benchmark module has a ``main()`` that prints Markdown; printing (rather than returning)
keeps a benchmark runnable on its own with ``python -m benchmarks.bench_x``. Name modules to run
only those (``python -m benchmarks directory``): their sections are replaced and the others kept.
A benchmark that fails is reported in its section and makes the run exit 1, after the others ran.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import platform
import re
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "benchmarks.md"


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count() or "unknown"),
        "memory": memory,
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "OS": f"{platform.system()} {platform.release()}",
        # Other work on the machine skews absolute times; the ratios in each section hold up better.
        "load average at start": " ".join(f"{x:.1f}" for x in os.getloadavg())
        if hasattr(os, "getloadavg")
        else "?",
    }


def discover() -> list[str]:
    return sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))


def run(name: str) -> tuple[str, float, bool]:
    """The Markdown a benchmark printed, its duration, and whether it finished."""
    buffer = io.StringIO()
    started = time.perf_counter()
    ok = True
    with contextlib.redirect_stdout(buffer):
        try:
            importlib.import_module(f"benchmarks.{name}").main()
        except Exception:
            ok = False
            print(f"\n**{name} failed:**\n\n```\n{traceback.format_exc()}```")
    return buffer.getvalue().strip(), time.perf_counter() - started, ok


def section(name: str, body: str) -> str:
    return f"<!-- bench:{name}:start -->\n{body}\n<!-- bench:{name}:end -->"


def existing_sections(text: str) -> dict[str, str]:
    pattern = re.compile(r"<!-- bench:(\w+):start -->\n(.*?)\n<!-- bench:\1:end -->", re.DOTALL)
    return {m.group(1): m.group(2) for m in pattern.finditer(text)}


def main(argv: list[str]) -> int:
    names = discover()
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in argv] or names
    if unknown := sorted(set(wanted) - set(names)):
        print(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(names)})", file=sys.stderr)
        return 2
    started = datetime.now(UTC)
    sections = existing_sections(OUTPUT.read_text(encoding="utf-8")) if OUTPUT.exists() else {}
    kept = sections if argv else {}
    bodies = {n: b for n, b in kept.items() if n in names}
    # Sections written by other commands (`make load`) are kept as they are, after the benchmarks'.
    others = {n: b for n, b in sections.items() if n not in names}
    failed = []
    for name in wanted:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        text, seconds, ok = run(name)
        if not ok:
            failed.append(name)
        print(f"  {name}: {seconds:.0f} s{'' if ok else ' (FAILED)'}", file=sys.stderr, flush=True)
        bodies[name] = (
            f"{text}\n\n_{name} ran in {seconds:.0f} s on {started:%Y-%m-%d} (`python -m benchmarks`)._"
        )
    info = "\n".join(f"| {k} | {v} |" for k, v in machine().items())
    command = "python -m benchmarks" + "".join(f" {a}" for a in argv)
    document = (
        "# Benchmarks\n\n"
        f"Written by `make bench` (`{command}`) on {started:%Y-%m-%d %H:%M} UTC; sections name their own "
        "run when only some benchmarks were re-run.\n\n"
        f"| machine | |\n|---|---|\n{info}\n\n"
        + "\n\n".join(
            [section(n, bodies[n]) for n in names if n in bodies] + [section(n, b) for n, b in others.items()]
        )
        + "\n"
    )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(document, encoding="utf-8")
    print(
        f"wrote {OUTPUT.relative_to(ROOT)}" + (f"; failed: {', '.join(failed)}" if failed else ""),
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
