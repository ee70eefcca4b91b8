"""A tiny SMTP server on 127.0.0.1 that keeps what it receives (for the queue bench and the
two-instance test): enough of RFC 5321 for smtplib, a thread per connection, no relay.

A message counts as received when its data ends (the final "."), as a real MTA commits it to
its queue before answering 250. To catch a client in the middle of a delivery, each session
can wait: ``hold_before_data`` seconds after the DATA command, before the 354 answer (a client
killed then has sent nothing of the message), or ``hold_before_reply`` seconds after the
message, before the 250 answer (a client killed then never learns it was received).
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from types import TracebackType
from typing import BinaryIO

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    message_id: str
    to: str
    subject: str


@dataclass
class SmtpSink:
    """Start with ``with SmtpSink() as sink:``; ``sink.port`` is where it listens."""

    hold_before_data: float = 0.0
    hold_before_reply: float = 0.0
    received: list[Received] = field(default_factory=list)
    holding: int = 0  # sessions waiting in a hold right now
    changed: threading.Condition = field(default_factory=threading.Condition)
    _server: socketserver.ThreadingTCPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "the sink is not started"
        return int(self._server.server_address[1])

    def start(self) -> SmtpSink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sink._session(self.rfile, self.wfile)  # type: ignore[arg-type]

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def clear(self) -> None:
        with self.changed:
            self.received.clear()

    def message_ids(self) -> list[str]:
        with self.changed:
            return [each.message_id for each in self.received]

    def wait_until(self, check: Callable[[SmtpSink], bool], timeout: float) -> bool:
        """Wait until ``check(self)`` holds (or ``timeout`` seconds pass); whether it held."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not check(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    # --- one SMTP session --------------------------------------------------------------

    def _session(self, reader: BinaryIO, writer: BinaryIO) -> None:
        def say(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            writer.flush()

        say("220 sink ESMTP")
        while line := reader.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                say("250-sink\r\n250 8BITMIME")  # one write: split, Nagle delays the second
            elif verb == "DATA":
                self._hold(self.hold_before_data)
                say("354 end data with <CR><LF>.<CR><LF>")
                data = self._read_data(reader)
                if data is None:
                    return  # the client went away mid-message: nothing was received
                self._keep(data)
                self._hold(self.hold_before_reply)
                say("250 queued")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                say("250 ok")

    def _hold(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self.changed:
            self.holding += 1
            self.changed.notify_all()
        try:
            time.sleep(seconds)
        finally:
            with self.changed:
                self.holding -= 1
                self.changed.notify_all()

    @staticmethod
    def _read_data(reader: BinaryIO) -> bytes | None:
        lines = []
        while True:
            line = reader.readline()
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

    def _keep(self, data: bytes) -> None:
        message = message_from_bytes(data)
        received = Received(
            message_id=str(message.get("Message-ID", "")),
            to=str(message.get("To", "")),
            subject=str(message.get("Subject", "")),
        )
        with self.changed:
            self.received.append(received)
            self.changed.notify_all()
