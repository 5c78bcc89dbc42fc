"""An OTLP/HTTP endpoint that accepts trace exports and counts their spans: where the tracing
row of ``make bench`` sends its traces (a collector's own cost is not the gateway's)."""

from __future__ import annotations

import argparse

import uvicorn
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from hansa.http.asgi import Receive, Scope, Send, read_body, send_response

SPANS = 0


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    global SPANS
    if scope["type"] != "http":
        return
    body = await read_body(receive, 256 * 1024 * 1024)
    if scope["path"] == "/spans":
        await send_response(send, 200, str(SPANS).encode(), "text/plain")
        return
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    SPANS += sum(len(s.spans) for r in request.resource_spans for s in r.scope_spans)
    await send_response(send, 200, b"", "application/x-protobuf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4318)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
