"""A local SMTP sink (aiosmtpd) for tests, the email bench and trying campaigns on a laptop.

It accepts every message, offers PIPELINING, and either keeps the messages (``keep=True``: tests read
them back) or only counts them (the bench). ``hold()`` makes it stop answering DATA until ``release()``:
the kill-and-resume test uses it to freeze every sending thread while it waits for the server's answer.

As a process (the bench):  python -m cimaise.audience.campaigns.sink PORT
serves ``CountingSMTP`` (a minimal counting sink, see its docstring), prints "ready", then answers each
line "count" on stdin with the number of messages accepted.
"""

import asyncio
import sys
import threading

from aiosmtpd.controller import Controller


class SinkHandler:
    def __init__(self, keep=True):
        self.keep = keep
        self.count = 0
        self.messages = []  # (envelope recipients, raw bytes)
        self.held = 0
        self._gate = None
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):
        gate = self._gate
        if gate is not None:
            with self._lock:
                self.held += 1
            await gate.wait()
            # Never acknowledged while held: as for a real server that lost the connection, not delivered.
            return "451 4.3.0 try again later"
        with self._lock:
            self.count += 1
            if self.keep:
                self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 2.0.0 OK"

    def hold(self, loop):
        self._gate = asyncio.Event()
        self._loop = loop

    def release(self):
        gate, self._gate = self._gate, None
        if gate is not None:
            self._loop.call_soon_threadsafe(gate.set)


class Sink:
    """An in-process sink on 127.0.0.1:``port`` (a thread); ``stop()`` ends it."""

    def __init__(self, port, keep=True):
        self.handler = SinkHandler(keep=keep)
        self.port = port
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port,
                                     data_size_limit=0)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.handler.release()
        self.controller.stop()

    @property
    def messages(self):
        return list(self.handler.messages)

    def hold(self):
        self.handler.hold(self.controller.loop)

    def release(self):
        self.handler.release()


class CountingSMTP(asyncio.Protocol):
    """The bench's sink: a minimal SMTP server (like postfix's smtp-sink) that counts and discards.

    aiosmtpd reads DATA line by line (a coroutine step per line: ~300 for a 20 KB newsletter), which caps
    it below the sender's speed on a small machine; this one looks for the end of DATA in the buffer.
    It answers every command in order (PIPELINING works) and accepts every message.
    """

    counter = [0]

    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""
        self.in_data = False
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data):
        self.buffer += data
        replies = []
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    # Keep only a tail long enough to hold a split terminator.
                    self.buffer = self.buffer[-4:]
                    break
                self.buffer = self.buffer[end + 5:]
                self.in_data = False
                self.counter[0] += 1
                replies.append(b"250 2.0.0 OK")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                break
            line, self.buffer = self.buffer[:end], self.buffer[end + 2:]
            verb = line[:4].upper()
            if verb == b"EHLO":
                replies.append(b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 0")
            elif verb == b"DATA":
                self.in_data = True
                self.buffer = b"\r\n" + self.buffer  # the terminator may follow at once
                replies.append(b"354 go ahead")
            elif verb == b"QUIT":
                replies.append(b"221 bye")
                self.transport.write(b"\r\n".join(replies) + b"\r\n")
                self.transport.close()
                return
            else:
                replies.append(b"250 OK")
        if replies:
            self.transport.write(b"\r\n".join(replies) + b"\r\n")


async def _serve(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(CountingSMTP, host="127.0.0.1", port=port)
    print("ready", flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if line.strip() == b"count":
            print(CountingSMTP.counter[0], flush=True)
    server.close()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1])))
