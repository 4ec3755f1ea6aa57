/**
 * proxyFromEnvironment against Go's http.ProxyFromEnvironment rules: variable names and case,
 * the CGI rule, loopback, and a NO_PROXY table (hosts, suffixes, `*`, IPs, CIDRs, ports).
 */
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { proxyFromEnvironment } from "../../src/client/proxy-env.js";

const VARS = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"];
let saved: Record<string, string | undefined> = {};

function env(vars: Record<string, string>): void {
  for (const v of VARS) delete process.env[v];
  Object.assign(process.env, vars);
}

function proxyFor(url: string): string | null {
  return proxyFromEnvironment(new URL(url))?.href ?? null;
}

describe("proxyFromEnvironment (Go http.ProxyFromEnvironment)", () => {
  beforeEach(() => { saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]])); });
  afterEach(() => {
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  });

  it("proxyFromEnvironment picks HTTP_PROXY for ws: and HTTPS_PROXY for wss:", () => {
    env({ HTTP_PROXY: "http://hp:1", HTTPS_PROXY: "http://sp:2" });
    assert.equal(proxyFor("ws://example.com/"), "http://hp:1/");
    assert.equal(proxyFor("wss://example.com/"), "http://sp:2/");
    env({ HTTP_PROXY: "http://hp:1" });
    assert.equal(proxyFor("wss://example.com/"), null);
    env({});
    assert.equal(proxyFor("ws://example.com/"), null);
  });

  it("proxyFromEnvironment prefers the upper-case variable and falls back to lower case", () => {
    env({ HTTP_PROXY: "http://upper:1", http_proxy: "http://lower:1" });
    assert.equal(proxyFor("ws://example.com/"), "http://upper:1/");
    env({ http_proxy: "http://lower:1", https_proxy: "http://lower:2" });
    assert.equal(proxyFor("ws://example.com/"), "http://lower:1/");
    assert.equal(proxyFor("wss://example.com/"), "http://lower:2/");
    env({ HTTP_PROXY: "", http_proxy: "http://lower:1" });
    assert.equal(proxyFor("ws://example.com/"), "http://lower:1/");
  });

  it("proxyFromEnvironment reads a value without a scheme as http:// and keeps https/socks5 schemes", () => {
    for (const [value, want] of [["proxy:3128", "http://proxy:3128/"], ["10.0.0.1:8080", "http://10.0.0.1:8080/"],
      ["https://p:443", "https://p/"], ["socks5://u:p@p:1080", "socks5://u:p@p:1080"], ["socks5h://p", "socks5h://p"]]) {
      env({ HTTPS_PROXY: value! });
      assert.equal(proxyFor("wss://example.com/"), want, value);
    }
    env({ HTTP_PROXY: "http://[::1" });
    assert.throws(() => proxyFor("ws://example.com/"), TypeError);
  });

  it("proxyFromEnvironment ignores HTTP_PROXY under CGI (REQUEST_METHOD set), not HTTPS_PROXY", () => {
    env({ HTTP_PROXY: "http://hp:1", HTTPS_PROXY: "http://sp:2", REQUEST_METHOD: "GET" });
    assert.equal(proxyFor("ws://example.com/"), null);
    assert.equal(proxyFor("wss://example.com/"), "http://sp:2/");
  });

  it("proxyFromEnvironment never proxies localhost or loopback addresses", () => {
    env({ HTTP_PROXY: "http://hp:1", HTTPS_PROXY: "http://sp:2" });
    for (const u of ["ws://localhost/", "ws://LOCALHOST:8080/", "wss://127.0.0.1/", "ws://127.9.9.9:1/", "ws://[::1]:80/",
      "ws://[::ffff:127.0.0.1]/"]) {
      assert.equal(proxyFor(u), null, u);
    }
    assert.equal(proxyFor("ws://128.0.0.1/"), "http://hp:1/");
    assert.equal(proxyFor("ws://localhost.example/"), "http://hp:1/");
  });

  // [NO_PROXY, URL, proxied?]
  const table: Array<[string, string, boolean]> = [
    ["*", "ws://example.com/", false],
    ["*", "wss://anything.test/", false],
    ["example.com", "ws://example.com/", false],
    ["example.com", "ws://sub.example.com/", false],
    ["example.com", "ws://notexample.com/", true],
    ["example.com", "ws://example.org/", true],
    [".example.com", "ws://example.com/", true],
    [".example.com", "ws://sub.example.com/", false],
    ["*.example.com", "ws://example.com/", true],
    ["*.example.com", "ws://a.b.example.com/", false],
    ["example.com:8080", "ws://example.com:8080/", false],
    ["example.com:8080", "ws://example.com/", true],
    ["example.com:80", "ws://example.com/", false],
    ["example.com:443", "wss://example.com/", false],
    ["  Example.COM , other.test ", "ws://other.test/", false],
    ["  Example.COM , other.test ", "ws://example.com/", false],
    ["foo,,bar", "ws://bar/", false],
    ["192.168.1.1", "ws://192.168.1.1/", false],
    ["192.168.1.1", "ws://192.168.1.2/", true],
    ["192.168.1.1:81", "ws://192.168.1.1:81/", false],
    ["192.168.1.1:81", "ws://192.168.1.1/", true],
    ["10.0.0.0/8", "ws://10.200.3.4/", false],
    ["10.0.0.0/8", "ws://11.0.0.1/", true],
    ["2001:db8::/32", "ws://[2001:db8::5]/", false],
    ["2001:db8::/32", "ws://[2001:db9::5]/", true],
    ["[2001:db8::1]:80", "ws://[2001:db8::1]/", false],
    ["2001:db8::1", "ws://[2001:db8::1]:9000/", false],
    [":80", "ws://example.com/", true],
    ["bücher.de", "ws://bücher.de/", false],
    ["bücher.de", "ws://www.xn--bcher-kva.de/", false],
    ["example.com", "ws://EXAMPLE.com/", false],
  ];
  for (const [noProxy, url, proxied] of table) {
    it(`NO_PROXY=${JSON.stringify(noProxy)} ${proxied ? "proxies" : "excludes"} ${url}`, () => {
      env({ HTTP_PROXY: "http://hp:1", HTTPS_PROXY: "http://sp:2", no_proxy: noProxy });
      assert.equal(proxyFor(url) !== null, proxied);
    });
  }
  it("NO_PROXY (upper case) wins over no_proxy", () => {
    env({ HTTP_PROXY: "http://hp:1", NO_PROXY: "a.test", no_proxy: "b.test" });
    assert.equal(proxyFor("ws://a.test/"), null);
    assert.equal(proxyFor("ws://b.test/"), "http://hp:1/");
  });
});
