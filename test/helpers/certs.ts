/**
 * Test TLS material generated at test time with the `openssl` CLI into a temp dir: a CA, a server
 * certificate for 127.0.0.1/localhost, a client certificate and a self-signed one. Never committed.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** PEM buffers of the generated material. */
export interface TestCerts {
  /** The test CA certificate: trust it with `ca`. */
  ca: Buffer;
  /** Server certificate (SAN DNS:localhost, IP:127.0.0.1, IP:::1) and key, signed by the CA. */
  serverCert: Buffer;
  serverKey: Buffer;
  /** A second server certificate for SNI tests (SAN DNS:other.test), signed by the CA. */
  otherCert: Buffer;
  otherKey: Buffer;
  /** Client certificate (CN=silverback-client, clientAuth) and key, signed by the CA. */
  clientCert: Buffer;
  clientKey: Buffer;
  /** A self-signed server certificate for localhost/127.0.0.1 (→ DEPTH_ZERO_SELF_SIGNED_CERT). */
  selfSignedCert: Buffer;
  selfSignedKey: Buffer;
}

/** Whether openssl can be run; a message with the install command when it cannot. */
export async function opensslMissing(): Promise<string | undefined> {
  try {
    await run("openssl", ["version"]);
    return undefined;
  } catch {
    const msg = "openssl not found: run scripts/install-peers.sh";
    if (process.env["CI"]) throw new Error(msg);
    return msg;
  }
}

const KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function leaf(dir: string, name: string, subj: string, ext: string): Promise<void> {
  const p = (s: string): string => join(dir, `${name}.${s}`);
  await run("openssl", ["req", ...KEY, "-keyout", p("key"), "-out", p("csr"), "-subj", subj]);
  await writeFile(p("ext"), ext);
  await run("openssl", ["x509", "-req", "-in", p("csr"), "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"),
    "-CAcreateserial", "-out", p("crt"), "-days", "2", "-extfile", p("ext")]);
}

let cached: Promise<TestCerts> | undefined;

/** Generates the material once per process; the temp dir is removed once the files are read. */
export function testCerts(): Promise<TestCerts> {
  cached ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "silverback-certs-"));
    try {
      await run("openssl", ["req", "-x509", ...KEY, "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.crt"),
        "-days", "2", "-subj", "/CN=silverback test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
      const server = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n";
      await leaf(dir, "server", "/CN=localhost", server);
      await leaf(dir, "other", "/CN=other.test", "subjectAltName=DNS:other.test\nextendedKeyUsage=serverAuth\n");
      await leaf(dir, "client", "/CN=silverback-client", "extendedKeyUsage=clientAuth\n");
      await run("openssl", ["req", "-x509", ...KEY, "-keyout", join(dir, "self.key"), "-out", join(dir, "self.crt"),
        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]);
      const f = (n: string): Promise<Buffer> => readFile(join(dir, n));
      return {
        ca: await f("ca.crt"),
        serverCert: await f("server.crt"), serverKey: await f("server.key"),
        otherCert: await f("other.crt"), otherKey: await f("other.key"),
        clientCert: await f("client.crt"), clientKey: await f("client.key"),
        selfSignedCert: await f("self.crt"), selfSignedKey: await f("self.key"),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return cached;
}
