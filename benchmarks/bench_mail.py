"""Inbound mail: what parsing one reply costs `askwell mail serve` (stdlib parse, quotes and signature
stripped by mail-parser-reply), for a typical reply and for the largest bodies a sender may send.

The reply parser's regexes cost seconds per megabyte, so ``mail_inbound`` reads only the first
``MAX_TEXT_CHARS`` of a body. Each row is timed both ways in the same run: "capped" is the product,
"whole body" the baseline without the cap. Times are the median of a few runs on a shared machine:
read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from email.message import EmailMessage

from mailparser_reply import EmailReplyParser

from askwell.integrations.mail_inbound import MAX_TEXT_CHARS, REPLY_LANGUAGES, parse

ONE_MB = 1024 * 1024


def _typical() -> str:
    quoted = "\n".join(f"> line {i} of the stand-up prompt and its questions" for i in range(60))
    return (
        "1. Fixed the flaky login test\n2. Writing the export job\n3. Need a Kafka reviewer\n\n-- \nAda\n\n"
        f"On Mon, 2 Mar 2026 at 09:30, Askwell <noreply@askwell.test> wrote:\n{quoted}\n"
    )


BODIES: dict[str, Callable[[], str]] = {
    "typical reply (3 KB, quoted prompt)": _typical,
    "1 MB of prose": lambda: ("Happy to help with the retry design. " * 30000)[: ONE_MB - 4096],
    "1 MB of quoted lines": lambda: "> quoted line of an old message\n" * ((ONE_MB - 4096) // 32),
    "1 MB of signature markers": lambda: "-- \n" * ((ONE_MB - 4096) // 4),
}


def _message(body: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "ada@example.com", "reply+token@askwell.test", "Re: stand-up"
    msg.set_content(body)
    return msg.as_bytes()


def _median(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _uncapped(body: str) -> str:
    return str(EmailReplyParser(languages=list(REPLY_LANGUAGES)).read(body).replies[0].body)


def main() -> None:
    print(f"Median of 3 runs (typical reply: 20). Body cap: {MAX_TEXT_CHARS:,} characters.\n")
    print("| body | capped (product): parse + strip | whole body (baseline): strip only |")
    print("|---|---:|---:|")
    for name, make in BODIES.items():
        body = make()
        raw = _message(body)
        repeats = 20 if len(body) < 10_000 else 3
        capped = _median(lambda raw=raw: parse(raw, max_bytes=2 * ONE_MB), repeats)  # type: ignore[misc]
        whole = _median(lambda body=body: _uncapped(body), repeats)  # type: ignore[misc]
        print(f"| {name} | {capped * 1000:.1f} ms | {whole * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
