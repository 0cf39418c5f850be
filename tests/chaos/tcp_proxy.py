#!/usr/bin/env python3
"""A TCP proxy that misbehaves on command, for the chaos run.

It listens on a free loopback port and forwards every connection to an
upstream port. Faults, applied to all connections at once:
  delay(seconds)     hold every chunk this long before forwarding it (0: off)
  stall(seconds)     forward nothing in either direction for that long, keeping
                     connections open and accepting new ones (they wait too)
  cut_connections()  reset every current connection (SO_LINGER 0 close: RST
                     to both the client and the upstream)
An upstream that refuses the connection (it is down) resets the client.

Imported, FaultProxy runs its asyncio loop on a thread and the methods above
are called from any thread. Run alone, it reads commands from stdin, one a
line: "delay 0.05", "stall 2", "cut", "quit".

  tcp_proxy.py <upstream-port>     prints "listening <port>"
"""
import asyncio
import socket
import struct
import sys
import threading


class FaultProxy:
    def __init__(self, upstream_port, upstream_host="127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.port = None
        self.connections = 0  # accepted so far
        self.resets = 0       # connections reset by cut_connections or a dead upstream
        self._delay = 0.0
        self._loop = asyncio.new_event_loop()
        self._flowing = None
        self._live = set()    # (client writer, upstream writer)
        self._server = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)

    # --- control, from any thread ---------------------------------------
    def start(self):
        self._thread.start()
        self._call(self._start())
        return self.port

    def delay(self, seconds):
        self._delay = float(seconds)

    def stall(self, seconds):
        """Blocks the caller for the stall, then lets bytes flow again."""
        self._call(self._set_flowing(False))
        try:
            threading.Event().wait(seconds)
        finally:
            self._call(self._set_flowing(True))

    def cut_connections(self):
        """Resets every current connection; returns how many."""
        return self._call(self._cut_all())

    def close(self):
        if self._thread.is_alive():
            self._call(self._close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    # --- on the loop -----------------------------------------------------
    async def _start(self):
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _set_flowing(self, on):
        if on:
            self._flowing.set()
        else:
            self._flowing.clear()

    async def _cut_all(self):
        live = list(self._live)
        for pair in live:
            self._reset(pair)
        return len(live)

    async def _close(self):
        self._server.close()
        await self._cut_all()

    def _reset(self, pair):
        if pair not in self._live:
            return
        self._live.discard(pair)
        self.resets += 1
        for w in pair:
            if w is None:
                continue
            sock = w.get_extra_info("socket")
            if sock is not None:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
            w.transport.abort()

    async def _serve(self, client_reader, client_writer):
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            pair = (client_writer, None)
            self._live.add(pair)
            self._reset(pair)
            return
        pair = (client_writer, up_writer)
        self._live.add(pair)
        await asyncio.gather(self._pump(client_reader, up_writer), self._pump(up_reader, client_writer))
        if pair in self._live:
            self._live.discard(pair)
            for w in pair:
                w.close()

    async def _pump(self, reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if self._delay:
                    await asyncio.sleep(self._delay)
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            pass  # the other side went away, or the pair was reset


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    proxy = FaultProxy(int(sys.argv[1]))
    print(f"listening {proxy.start()}", flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "delay":
            proxy.delay(float(cmd[1]))
        elif cmd[0] == "stall":
            proxy.stall(float(cmd[1]))
        elif cmd[0] == "cut":
            print(f"reset {proxy.cut_connections()}", flush=True)
        elif cmd[0] == "quit":
            break
    proxy.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
