"""Run ASGI apps on uvicorn: several on one event loop (the demo) or in a background thread
(tests and scripts that need real loopback servers while the caller stays synchronous)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import uvicorn

from hansa.http.protocol import ConnectionLimits, guarded_protocol
from hansa.transport.tls import ServerTls


@dataclass(frozen=True)
class Binding:
    app: Any
    host: str = "127.0.0.1"
    port: int = 0
    sock: socket.socket | None = None  # an already bound socket to serve on instead
    tls: ServerTls | None = None  # serve HTTPS (and with a client CA, require client certificates)


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to whoever runs several of them."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _server(binding: Binding) -> uvicorn.Server:
    """uvicorn for one binding, with the connection guards of ``hansa.http.protocol`` (the app's
    ``connection_limits`` when it has them, the defaults otherwise; its request task cancelled
    when the client leaves if the app says ``cancel_on_disconnect``)."""
    limits = getattr(binding.app, "connection_limits", None) or ConnectionLimits()
    cancels = bool(getattr(binding.app, "cancel_on_disconnect", False))
    tls = None if binding.tls is None else binding.tls.context()  # fails here, before serving
    config = uvicorn.Config(
        binding.app,
        host=binding.host,
        port=binding.port,
        log_level="warning",
        lifespan="on",
        access_log=False,
        http=guarded_protocol(
            limits,
            cancel_on_disconnect=cancels,
            on_refusal=getattr(binding.app, "observe_refusal", None),
        ),
        timeout_keep_alive=limits.idle_timeout,  # type: ignore[arg-type]  # float works
        ssl_context_factory=None if tls is None else lambda _config, _default: tls,
        timeout_graceful_shutdown=max(1, round(limits.shutdown_grace)),
    )
    return _Server(config)


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (useful when it was asked for port 0)."""
    for listener in server.servers:
        for sock in listener.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("server is not listening")


async def serve_all(bindings: Sequence[Binding]) -> None:
    """Serve every binding on the current loop until SIGINT/SIGTERM stops them all."""
    servers = [_server(b) for b in bindings]
    loop = asyncio.get_running_loop()

    def stop() -> None:
        """Drain: apps that can report it say they are not ready, keep serving for their
        ``drain_delay``, then stop accepting and give in-flight requests their grace."""
        for server, binding in zip(servers, bindings, strict=True):
            limits = getattr(binding.app, "connection_limits", None) or ConnectionLimits()
            if hasattr(binding.app, "draining"):
                binding.app.draining = True
            if server.should_exit or limits.drain_delay <= 0:
                server.should_exit = True  # a second signal does not wait
            else:
                loop.call_later(limits.drain_delay, setattr, server, "should_exit", True)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    pairs = zip(servers, bindings, strict=True)
    await asyncio.gather(*(s.serve(sockets=[b.sock] if b.sock else None) for s, b in pairs))


def run_servers(bindings: Sequence[Binding]) -> None:
    """``serve_all`` on a new event loop: uvloop's where it is installed (``uvicorn[standard]``
    brings it; it makes the gateway's I/O, client and server, markedly cheaper), else asyncio's."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - platforms without uvloop (Windows)
        asyncio.run(serve_all(bindings))
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve_all(bindings))


def tune_gc() -> None:
    """Garbage-collector settings for a long-running server. Everything built at start-up (the
    supergraph, schemas, plans' code) is moved out of the collector's sight (``gc.freeze``), and
    the youngest generation is collected every 50,000 allocations instead of 700: a request
    allocates tens of thousands of short-lived objects that reference counting frees anyway,
    and collecting them 700 at a time cost about a tenth of the gateway's CPU (measured on the
    benchmark's heavy query). Cycles are still collected, only less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def raise_file_limit() -> None:
    """Every connection is a file descriptor: lift the soft limit (often 1,024) to the hard one,
    so that idle connections cannot use up what an active request needs."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not a Unix
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft != resource.RLIM_INFINITY and soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run_workers(
    make_app: Callable[[], Any], host: str, port: int, workers: int, tls: ServerTls | None = None
) -> None:
    """Serve ``make_app()`` from ``workers`` processes (pre-fork). Each worker builds its own
    app, event loop and subgraph connections after the fork and listens on its own
    ``SO_REUSEPORT`` socket, so the kernel spreads connections over the workers; this process
    only supervises: SIGTERM or SIGINT stops every worker, and it exits when they all have."""
    tune_gc()
    raise_file_limit()
    if workers <= 1:
        run_servers([Binding(make_app(), host, port, tls=tls)])
        return
    if tls is not None:
        tls.context()  # a bad file stops the supervisor, not every worker
    if not hasattr(socket, "SO_REUSEPORT"):  # pragma: no cover - not Linux or BSD
        raise OSError(errno.EOPNOTSUPP, "several workers need SO_REUSEPORT")
    first = _reuseport_socket(host, port)  # fails here, before any fork, if the port is taken
    port = first.getsockname()[1]
    children: list[int] = []
    for index in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the worker process
            code = 0
            try:
                if index == 0:
                    sock = first
                else:
                    first.close()  # another worker's: this one listens on its own
                    sock = _reuseport_socket(host, port)
                run_servers([Binding(make_app(), host, port, sock, tls)])
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    first.close()

    def stop(_signum: int, _frame: Any) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        while True:
            try:
                os.waitpid(child, 0)
                break
            except InterruptedError:  # pragma: no cover - a signal arrived while waiting
                continue
            except ChildProcessError:
                break


def _reuseport_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class BackgroundServers:
    """Start apps on loopback in a daemon thread; ``urls`` holds each one's base URL."""

    def __init__(self, bindings: Sequence[Binding]) -> None:
        self._bindings = list(bindings)
        self._servers = [_server(b) for b in self._bindings]
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.urls: list[str] = []

    def start(self, timeout: float = 10.0) -> BackgroundServers:
        ready = threading.Event()
        failure: list[BaseException] = []

        async def run() -> None:
            tasks = [asyncio.create_task(s.serve()) for s in self._servers]
            try:
                while not all(s.started for s in self._servers):
                    done = [t for t in tasks if t.done()]
                    if done:
                        exc = done[0].exception()
                        raise exc or RuntimeError("server exited during start-up")
                    await asyncio.sleep(0.01)
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            await asyncio.gather(*tasks, return_exceptions=True)

        def target() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(run())
            self._loop.close()

        self._thread = threading.Thread(target=target, name="hansa-servers", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("servers did not start in time")
        if failure:
            raise RuntimeError(f"server failed to start: {failure[0]!r}")
        self.urls = [
            f"{'http' if b.tls is None else 'https'}://{b.host}:{bound_port(s)}"
            for b, s in zip(self._bindings, self._servers, strict=True)
        ]
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> BackgroundServers:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def serving(*apps: Any, tls: ServerTls | None = None) -> Iterator[list[str]]:
    """``with serving(app1, app2) as urls:`` — each app on its own free loopback port (over
    HTTPS with ``tls``)."""
    with BackgroundServers([Binding(app, tls=tls) for app in apps]) as servers:
        yield servers.urls
