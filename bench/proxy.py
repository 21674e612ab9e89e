"""A TCP proxy that fails on purpose, for `make chaos`: put in front of PostgreSQL, it can cut every
connection and refuse new ones for a while."""

from __future__ import annotations

import asyncio
import threading

from bench.processes import free_port


class FlakyProxy:
    """A TCP proxy to PostgreSQL on its own event loop. ``refuse(seconds)`` cuts every open connection
    and stops listening, so new ones are refused, then listens again."""

    def __init__(self, target_port: int = 5432):
        self.target_port = target_port
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.AbstractServer | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._call(self._listen())

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, upstream_writer}
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer), return_exceptions=True
        )
        self.writers -= {writer, upstream_writer}

    async def _refuse(self, seconds: float) -> None:
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        await asyncio.sleep(seconds)
        await self._listen()

    def refuse(self, seconds: float) -> None:
        self._call(self._refuse(seconds))

    def stop(self) -> None:
        self._call(self._refuse(0))
        self.server.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
