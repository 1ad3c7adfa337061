"""An SMTP server for the mail tests, on 127.0.0.1, whose answers are scripted per recipient.

- reject*@...  -> 550 on RCPT, every time (a permanent failure)
- later*@...   -> 450 on RCPT the first time, accepted afterwards (a temporary failure)
- slow*@...     -> the first message's final reply comes 4 s late (it is accepted: the
                  client that gave up has to assume it may have been delivered)
- anyone else  -> accepted

Every accepted message is appended to DIR/log.jsonl as {"rcpt": [...], "message_id": ...}
and its source written to DIR/<n>.eml. With --tls-cert/--tls-key the server requires
STARTTLS (530 before it), as a submission server does.
"""

import argparse
import asyncio
import email
import json
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller


class Scripted:
    def __init__(self, directory):
        self.dir = directory
        self.lock = threading.Lock()
        self.deferred = set()
        self.slowed = set()
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("later"):
            with self.lock:
                first = address not in self.deferred
                self.deferred.add(address)
            if first:
                return "450 4.2.1 <%s>: mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.content
        msg = email.message_from_bytes(raw)
        with self.lock:
            self.count += 1
            n = self.count
            with open(os.path.join(self.dir, "%06d.eml" % n), "wb") as f:
                f.write(raw)
            with open(os.path.join(self.dir, "log.jsonl"), "a") as f:
                f.write(json.dumps({"rcpt": envelope.rcpt_tos,
                                    "message_id": msg.get("Message-ID")}) + "\n")
            slow = [r for r in envelope.rcpt_tos
                    if r.lower().startswith("slow") and r not in self.slowed]
            self.slowed.update(slow)
        if slow:
            await asyncio.sleep(4)
        return "250 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    a = p.parse_args()
    kwargs = {}
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        kwargs = {"tls_context": ctx, "require_starttls": True}
    controller = Controller(Scripted(a.dir), hostname="127.0.0.1", port=a.port, **kwargs)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
