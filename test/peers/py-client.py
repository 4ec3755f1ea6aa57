#!/usr/bin/env python3
# Scripted client for silverback's interop tests, on python websockets (Debian python3-websockets, 10.x legacy API).
# Connects, prints {"event":"open",...} or {"event":"error",...}, then runs JSON-line ops from stdin, one result each.
import argparse
import asyncio
import base64
import hashlib
import json
import sys

import websockets


def pattern(kind, n):
    """The payload generator shared by every peer: text 'a'+i%26, binary (i*31+7)%251."""
    if kind == 1:
        block = bytes(97 + i % 26 for i in range(26))
    else:
        block = bytes((i * 31 + 7) % 251 for i in range(251))
    return (block * (n // len(block) + 1))[:n]


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def describe(msg):
    kind, data = (1, msg.encode()) if isinstance(msg, str) else (2, bytes(msg))
    result = {"type": kind, "len": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if len(data) <= 1024:
        result["b64"] = base64.b64encode(data).decode()
    return result


def closed(ws):
    return {"close": {"code": ws.close_code, "reason": ws.close_reason or ""}}


async def run_op(ws, op):
    timeout = op.get("timeout", 20000) / 1000
    name = op.get("op")
    if name == "send":
        kind = op.get("type", 1)
        data = pattern(kind, op["gen"]) if op.get("gen") else base64.b64decode(op.get("b64", ""))
        if op.get("frag"):
            parts, pos = [], 0
            for n in op["frag"]:
                parts.append(data[pos:pos + n])
                pos += n
            await ws.send([p.decode() for p in parts] if kind == 1 else parts)
        else:
            await ws.send(data.decode() if kind == 1 else data)
        return {"ok": True}
    if name == "recv":
        try:
            return describe(await asyncio.wait_for(ws.recv(), timeout))
        except websockets.ConnectionClosed:
            return closed(ws)
        except asyncio.TimeoutError:
            return {"error": "recv timeout"}
    if name == "ping":
        waiter = await ws.ping(base64.b64decode(op.get("b64", "")))
        try:
            await asyncio.wait_for(waiter, timeout)
            return {"pong": op.get("b64", "")}
        except asyncio.TimeoutError:
            return {"error": "pong timeout"}
    if name == "close":
        await asyncio.wait_for(ws.close(op["code"], op.get("reason", "")), timeout)
        return closed(ws)
    return {"error": f"unknown op {name}"}


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--subprotocols", default="")
    parser.add_argument("--compress", action="store_true", help="offer permessage-deflate")
    parser.add_argument("--origin", default="")
    args = parser.parse_args()
    try:
        ws = await websockets.connect(
            args.url,
            subprotocols=[p for p in args.subprotocols.split(",") if p] or None,
            compression="deflate" if args.compress else None,
            origin=args.origin or None,
            max_size=64 << 20,
            ping_interval=None,
            open_timeout=10,
        )
    except Exception as err:  # the handshake failed: report it and stop
        emit({"event": "error", "error": str(err), "status": getattr(err, "status_code", 0)})
        sys.exit(2)
    emit({"event": "open", "subprotocol": ws.subprotocol or "",
          "extensions": ws.response_headers.get("Sec-WebSocket-Extensions", "")})
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.buffer.readline)
        if not line:
            break
        try:
            emit(await run_op(ws, json.loads(line)))
        except Exception as err:
            emit({"error": f"{type(err).__name__}: {err}"})
    await ws.close()


if __name__ == "__main__":
    asyncio.run(main())
