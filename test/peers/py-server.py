#!/usr/bin/env python3
# Echo server for silverback's interop tests, on python websockets (Debian python3-websockets, 10.x legacy API).
# Prints its 127.0.0.1 port; text commands "!close code reason", "!ping b64", "!frag n size" as in gorilla-server.go.
import argparse
import asyncio
import base64
import http
import sys

import websockets


def pattern(kind, n):
    """The payload generator shared by every peer: text 'a'+i%26, binary (i*31+7)%251."""
    if kind == 1:
        block = bytes(97 + i % 26 for i in range(26))
    else:
        block = bytes((i * 31 + 7) % 251 for i in range(251))
    return (block * (n // len(block) + 1))[:n]


async def command(ws, text):
    """Runs one "!..." command; returns False once the server has closed."""
    parts = text.split(" ", 2)
    if parts[0] == "!close":
        await ws.close(int(parts[1]), parts[2] if len(parts) > 2 else "")
        return False
    if parts[0] == "!ping":
        waiter = await ws.ping(base64.b64decode(parts[1]))
        try:
            await asyncio.wait_for(waiter, 5)
            await ws.send("!pong " + parts[1])
        except asyncio.TimeoutError:
            await ws.send("!pong-timeout")
    elif parts[0] == "!frag":
        n, size = int(parts[1]), int(parts[2])
        data = pattern(2, n * size)
        await ws.send([data[i * size:(i + 1) * size] for i in range(n)])
    return True


async def handler(ws):
    try:
        async for msg in ws:
            if isinstance(msg, str) and msg.startswith("!"):
                if not await command(ws, msg):
                    return
                continue
            await ws.send(msg)
    except websockets.ConnectionClosed as err:
        print(f"closed: {err}", file=sys.stderr, flush=True)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compress", action="store_true", help="enable permessage-deflate")
    parser.add_argument("--subprotocols", default="", help="comma-separated, server preference order")
    parser.add_argument("--reject-origin", default="", help="refuse handshakes with this Origin (403)")
    args = parser.parse_args()

    def process_request(path, headers):
        if args.reject_origin and headers.get("Origin") == args.reject_origin:
            return http.HTTPStatus.FORBIDDEN, [], b"origin not allowed\n"
        return None

    async with websockets.serve(
        handler,
        "127.0.0.1",
        0,
        compression="deflate" if args.compress else None,
        subprotocols=[p for p in args.subprotocols.split(",") if p] or None,
        process_request=process_request,
        max_size=64 << 20,
        ping_interval=None,
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(port, flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
