"""`askwell mail serve` and `askwell mail receive`: replies by email come in (docs/integrations.md).

Both hand each message to the same ``deliver``: one unit of work per message, in which
``notifications.replies`` checks the signed reply address and the sender and calls the stand-up or
ask service. A refused reply rolls back and goes back to the sender as a bounce with its reason.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session, sessionmaker

from askwell import wiring
from askwell.cli.common import engine_from_settings, err_console
from askwell.cli.worker import configure_logging, require_migrated
from askwell.core.clock import Clock
from askwell.core.config import Settings, get_settings
from askwell.core.uow import unit_of_work
from askwell.integrations import mail_inbound
from askwell.integrations.edges import edges_from_settings
from askwell.integrations.mail_inbound import Deliver, InboundHandler, InboundMail, MailRefused
from askwell.notifications import replies

mail_app = typer.Typer(
    help="Replies by email: the inbound SMTP server, or one message piped in.", no_args_is_help=True
)

# sysexits.h: what an MTA's pipe transport (Postfix ``pipe``, Exim ``pipe``) does with our exit code.
EX_DATAERR = 65  # malformed or too large: bounced
EX_NOPERM = 77  # refused (bad token, wrong sender, ...): bounced with our message
EX_TEMPFAIL = 75  # our side failed (database down): the MTA keeps the message and tries again


def make_deliver(factory: sessionmaker[Session], settings: Settings, clock: Clock) -> Deliver:
    """Each message in its own transaction; a ``ReplyRefused`` becomes the SMTP refusal."""

    def deliver(mail: InboundMail) -> str:
        reply = replies.InboundReply(sender=mail.sender, recipients=mail.recipients, text=mail.text)
        try:
            with unit_of_work(factory) as db:
                return replies.handle(db, reply=reply, settings=settings, now=clock.now())
        except replies.ReplyRefused as exc:
            raise MailRefused(exc.reason) from None

    return deliver


def inbound_handler(
    factory: sessionmaker[Session], settings: Settings, clock: Clock, *, max_bytes: int | None = None
) -> InboundHandler:
    """The handler `askwell mail serve` runs (tests run it in their own loopback server)."""
    return InboundHandler(
        deliver=make_deliver(factory, settings, clock), max_bytes=max_bytes or settings.mail_max_bytes
    )


def _setup(settings: Settings) -> tuple[sessionmaker[Session], Any]:
    engine = engine_from_settings(settings)
    require_migrated(engine)
    configure_logging()
    edges = edges_from_settings(settings, engine=engine)
    return wiring.session_factory(engine, edges), edges


@mail_app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="SMTP port; 25 needs root, so point the MX or relay at this.")
    ] = 2525,
    max_bytes: Annotated[
        int | None, typer.Option(help="Largest message accepted, in bytes (default ASKWELL_MAIL_MAX_BYTES).")
    ] = None,
) -> None:
    """Receive replies by SMTP until stopped (Ctrl-C or SIGTERM); each reply acts as its sender."""
    settings = get_settings()
    if not settings.secret_key or not settings.reply_address:
        err_console.print(
            "[yellow]ASKWELL_SECRET_KEY or ASKWELL_REPLY_ADDRESS is not set: every reply is refused"
        )
    factory, edges = _setup(settings)
    handler = inbound_handler(factory, settings, edges.clock, max_bytes=max_bytes)
    server = mail_inbound.controller(handler, host=host, port=port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    err_console.print(f"receiving mail on {host}:{port} (at most {handler.max_bytes} bytes a message)")
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@mail_app.command("receive")
def receive_command(
    recipient: Annotated[
        list[str] | None,
        typer.Option(
            help="The envelope recipient, as the MTA knows it (e.g. Postfix's ${recipient}); repeatable."
        ),
    ] = None,
) -> None:
    """Act on one message (RFC 5322) read from standard input, as an MTA's pipe delivers it.

    Exit codes: 0 done; 65 malformed or too large; 77 refused (the reason on stderr, which the MTA bounces to the
    sender); 75 a temporary failure on our side (the MTA retries)."""
    settings = get_settings()
    factory, edges = _setup(settings)
    raw = sys.stdin.buffer.read(settings.mail_max_bytes + 1)
    deliver = make_deliver(factory, settings, edges.clock)
    try:
        done = mail_inbound.receive(
            raw, deliver, max_bytes=settings.mail_max_bytes, envelope_recipients=recipient or ()
        )
    except MailRefused as exc:
        err_console.print(f"refused: {exc.reason}", soft_wrap=True)
        raise typer.Exit(EX_NOPERM if exc.code == mail_inbound.REFUSED else EX_DATAERR) from None
    except Exception as exc:  # the database or another part of ours: the MTA keeps the mail and retries
        err_console.print(f"temporary failure: {type(exc).__name__}: {exc}", soft_wrap=True)
        raise typer.Exit(EX_TEMPFAIL) from None
    err_console.print(done)
