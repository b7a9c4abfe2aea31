"""A tiny real SMTP server on loopback for tests and benchmarks: accepts mail and keeps it in memory.

It can be slow (``delay`` seconds before answering each message's DATA), refuse recipients with
a chosen reply (``replies={"nils@malmo.se": "550 5.1.1 Okänd mottagare"}``, changeable while it
runs) and call ``on_message`` while a message is being received, before it answers: that is
where tests look at the database while the sender waits on the network.
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes


@dataclass
class Mailbox:
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    replies: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    on_message: Callable[[], None] | None = None
    errors: list[BaseException] = field(default_factory=list)

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(message_from_bytes(body)["Message-ID"]) for _, _, body in self.messages]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def _data(self, sender: str, recipients: list[str]) -> None:
        box = self.server.mailbox
        self._reply("354 End data with <CR><LF>.<CR><LF>")
        body = b"".join(iter(self.rfile.readline, b".\r\n"))
        if box.on_message is not None:
            try:
                box.on_message()
            except BaseException as err:  # noqa: BLE001 - kept for the test to raise in its own thread
                box.errors.append(err)
        if box.delay:
            time.sleep(box.delay)
        with box.lock:
            box.messages.append((sender, recipients, body))
        self._reply("250 OK")

    def handle(self) -> None:
        try:
            self._converse()
        except (ConnectionResetError, BrokenPipeError):
            return  # the client died mid-conversation (a killed worker): nothing to answer

    def _converse(self) -> None:
        box = self.server.mailbox
        self._reply("220 test ESMTP")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 test")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip(" <>")
                refusal = box.replies.get(address)
                if refusal:
                    self._reply(refusal)
                else:
                    recipients.append(address)
                    self._reply("250 OK")
            elif verb == "DATA":
                self._data(sender, recipients)
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    mailbox: Mailbox


@contextmanager
def smtp_server(delay: float = 0.0, replies: dict[str, str] | None = None) -> Iterator[tuple[str, Mailbox]]:
    """Yield ``smtp://127.0.0.1:PORT`` and the mailbox that collects what arrives."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.mailbox = Mailbox(replies=dict(replies or {}), delay=delay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"smtp://127.0.0.1:{server.server_address[1]}", server.mailbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
