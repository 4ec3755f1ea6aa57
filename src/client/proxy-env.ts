/**
 * proxyFromEnvironment: Go's `http.ProxyFromEnvironment` (golang.org/x/net/http/httpproxy rules)
 * for ws:/wss: URLs. Reads the environment on every call; never touches the network.
 */
import net from "node:net";
import { domainToASCII } from "node:url";

/** First non-empty variable among `names` (Go's `getEnvAny`: upper case first). */
function env(...names: string[]): string {
  for (const n of names) {
    const v = process.env[n];
    if (v !== undefined && v !== "") return v;
  }
  return "";
}

/** A proxy URL as Go parses it: `scheme://…` is kept, anything else (`host:port`) means `http://`. */
export function parseProxyURL(raw: string): URL {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  let u: URL;
  try {
    u = new URL(hasScheme ? raw : "http://" + raw);
  } catch {
    throw new TypeError(`websocket: invalid proxy address ${JSON.stringify(raw)}`);
  }
  return checkProxyURL(u);
}

const SCHEMES = new Set(["http:", "https:", "socks5:", "socks5h:"]);

/**
 * Checks that `u` names a proxy the Dialer can use.
 * @throws {TypeError} for a scheme other than http, https, socks5, socks5h, or no host.
 */
export function checkProxyURL(u: URL): URL {
  if (!SCHEMES.has(u.protocol)) throw new TypeError(`websocket: unsupported proxy scheme ${u.protocol}`);
  if (u.hostname === "") throw new TypeError(`websocket: invalid proxy address ${JSON.stringify(u.href)}`);
  return u;
}

/** Go's `net.SplitHostPort`; `null` when `s` has no port part. */
function splitHostPort(s: string): [string, string] | null {
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    if (end < 0 || s[end + 1] !== ":") return null;
    return [s.slice(1, end), s.slice(end + 2)];
  }
  const i = s.lastIndexOf(":");
  if (i < 0 || s.indexOf(":") !== i) return null; // no port, or an IPv6 literal without brackets
  return [s.slice(0, i), s.slice(i + 1)];
}

const loopback = new net.BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

function ipType(s: string): "ipv4" | "ipv6" | null {
  const v = net.isIP(s);
  return v === 4 ? "ipv4" : v === 6 ? "ipv6" : null;
}

interface Matcher {
  match(host: string, port: string, ip: "ipv4" | "ipv6" | null): boolean;
}

/** Go's `httpproxy.Config.init` for NO_PROXY: `*`, CIDRs, IPs, domains, each with an optional port. */
function noProxyMatchers(noProxy: string): Matcher[] | "all" {
  const out: Matcher[] = [];
  for (let p of noProxy.split(",")) {
    p = p.trim().toLowerCase();
    if (p === "") continue;
    if (p === "*") return "all";
    const slash = p.indexOf("/");
    if (slash > 0) {
      const addr = p.slice(0, slash);
      const t = ipType(addr);
      const bits = p.slice(slash + 1);
      if (t !== null && /^[0-9]{1,3}$/.test(bits) && Number(bits) <= (t === "ipv4" ? 32 : 128)) {
        const list = new net.BlockList();
        list.addSubnet(addr, Number(bits), t);
        out.push({ match: (h, _port, ip) => ip !== null && list.check(h, ip) });
        continue;
      }
    }
    let phost = p;
    let pport = "";
    const hp = splitHostPort(p);
    if (hp !== null) {
      if (hp[0] === "") continue; // no host part: a malformed entry, ignored as Go does
      [phost, pport] = hp;
    }
    const t = ipType(phost);
    if (t !== null) {
      const list = new net.BlockList();
      list.addAddress(phost, t);
      out.push({ match: (h, port, ip) => ip !== null && list.check(h, ip) && (pport === "" || pport === port) });
      continue;
    }
    if (phost === "") continue;
    // "foo.com" matches foo.com and bar.foo.com; ".foo.com" and "*.foo.com" only subdomains.
    if (phost.startsWith("*.")) phost = phost.slice(1);
    const matchHost = !phost.startsWith(".");
    if (matchHost) phost = "." + phost;
    const ascii = domainToASCII(phost);
    if (ascii !== "") phost = ascii;
    const suffix = phost;
    out.push({
      match: (h, port) =>
        (h.endsWith(suffix) || (matchHost && h === suffix.slice(1))) && (pport === "" || pport === port),
    });
  }
  return out;
}

/**
 * proxyFromEnvironment returns the proxy for `url` from the environment (gorilla's
 * `DefaultDialer` uses Go's `http.ProxyFromEnvironment`). `ws:` uses `HTTP_PROXY`/`http_proxy`,
 * `wss:` uses `HTTPS_PROXY`/`https_proxy` (upper case wins); `NO_PROXY`/`no_proxy` lists hosts,
 * domain suffixes (`example.com` also matches its subdomains, `.example.com` only them), IPs and
 * CIDRs, each optionally with `:port`, or `*` for all. `localhost` and loopback addresses are never
 * proxied, and `HTTP_PROXY` is ignored when `REQUEST_METHOD` is set (a CGI environment).
 * A proxy value without a scheme means `http://`.
 * @param url the `ws:` or `wss:` URL to dial.
 * @returns the proxy URL, or `null` for a direct connection.
 * @throws {TypeError} when the variable holds an unparsable address.
 * @example
 * process.env.HTTPS_PROXY = "proxy.corp:3128";
 * proxyFromEnvironment(new URL("wss://example.com/")); // URL "http://proxy.corp:3128"
 */
export function proxyFromEnvironment(url: URL): URL | null {
  const secure = url.protocol === "wss:" || url.protocol === "https:";
  let raw: string;
  if (secure) raw = env("HTTPS_PROXY", "https_proxy");
  else if (url.protocol === "ws:" || url.protocol === "http:") {
    // Go: "HTTP_PROXY is ignored when REQUEST_METHOD is set" (httpoxy, CVE-2016-5386).
    raw = env("REQUEST_METHOD") !== "" ? "" : env("HTTP_PROXY", "http_proxy");
  } else return null;
  if (raw === "") return null;
  let host = url.hostname.toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const port = url.port !== "" ? url.port : secure ? "443" : "80";
  if (host === "" || host === "localhost") return null;
  const ip = ipType(host);
  if (ip !== null && loopback.check(host, ip)) return null;
  const matchers = noProxyMatchers(env("NO_PROXY", "no_proxy"));
  if (matchers === "all" || matchers.some((m) => m.match(host, port, ip))) return null;
  return parseProxyURL(raw);
}
