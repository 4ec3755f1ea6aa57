// Scripted client over the WHATWG WebSocket API, shared by Chromium (page script) and Node's undici WebSocket
// (undici-client.mjs). Defines globalThis.whatwgPeer: open(url, protocols) and op(o), the op protocol of
// gorilla-client.go; "ping" and fragmented sends answer {unsupported} (the API has neither).
(function () {
  "use strict";
  let ws = null;
  let closeItem = null;
  const queue = [];
  const waiters = [];

  // The payload generator shared by every peer: text 'a'+i%26, binary (i*31+7)%251.
  function pattern(type, n) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = type === 1 ? 97 + (i % 26) : (i * 31 + 7) % 251;
    return b;
  }
  function b64encode(bytes) {
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }
  function b64decode(s) {
    const bin = atob(s || "");
    const b = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
    return b;
  }
  async function describe(data) {
    const type = typeof data === "string" ? 1 : 2;
    const bytes = type === 1 ? new TextEncoder().encode(data) : new Uint8Array(data);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const sha256 = Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("");
    const r = { type, len: bytes.length, sha256 };
    if (bytes.length <= 1024) r.b64 = b64encode(bytes);
    return r;
  }
  function deliver(item) {
    const w = waiters.shift();
    if (w) w(item);
    else queue.push(item);
  }
  // Next message or close, or {timeout} after ms (a bounded wait, never a sleep).
  function next(ms) {
    if (queue.length > 0) return Promise.resolve(queue.shift());
    if (closeItem) return Promise.resolve(closeItem);
    return new Promise((resolve) => {
      const waiter = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        resolve({ timeout: true });
      }, ms);
      waiters.push(waiter);
    });
  }

  function open(url, protocols) {
    return new Promise((resolve) => {
      let opened = false;
      ws = protocols && protocols.length > 0 ? new WebSocket(url, protocols) : new WebSocket(url);
      ws.binaryType = "arraybuffer";
      ws.onopen = () => {
        opened = true;
        resolve({ event: "open", subprotocol: ws.protocol, extensions: ws.extensions });
      };
      ws.onmessage = (e) => deliver({ msg: e.data });
      ws.onclose = (e) => {
        closeItem = { close: { code: e.code, reason: e.reason } };
        deliver(closeItem);
        if (!opened) resolve({ event: "error", error: "closed before open", code: e.code, status: 0 });
      };
    });
  }

  async function op(o) {
    const timeout = o.timeout || 20000;
    switch (o.op) {
      case "send": {
        if (o.frag && o.frag.length > 0) return { unsupported: "fragmented send" };
        const type = o.type || 1;
        const bytes = o.gen ? pattern(type, o.gen) : b64decode(o.b64);
        ws.send(type === 1 ? new TextDecoder().decode(bytes) : bytes);
        return { ok: true };
      }
      case "recv": {
        const item = await next(timeout);
        if (item.timeout) return { error: "recv timeout" };
        if (item.close) return item;
        return describe(item.msg);
      }
      case "ping":
        return { unsupported: "ping" };
      case "close": {
        ws.close(o.code, o.reason || "");
        for (;;) {
          const item = await next(timeout);
          if (item.timeout) return { error: "close timeout" };
          if (item.close) return item;
        }
      }
      default:
        return { error: "unknown op " + o.op };
    }
  }

  globalThis.whatwgPeer = { open, op };
})();
