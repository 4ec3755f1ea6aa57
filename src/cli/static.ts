/**
 * A small static file handler for `silverback serve --static <dir>`: GET/HEAD only, `index.html`
 * for directories, no path may leave the directory (traversal and symlinks out are refused).
 */
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json",
  ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg", ".gif": "image/gif", ".ico": "image/x-icon", ".wasm": "application/wasm",
  ".map": "application/json",
};

function fail(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(text + "\n");
}

/** Returns a request handler serving the files under `dir`. */
export async function staticHandler(dir: string): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const root = await realpath(resolve(dir)); // throws ENOENT for a missing directory: reported at startup
  if (!(await stat(root)).isDirectory()) throw new Error(`${dir} is not a directory`);

  async function find(urlPath: string): Promise<string | null> {
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (rel.includes("\0")) return null;
    let file = resolve(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) return null;
    file = await realpath(file).catch(() => "");
    if (file === "" || (file !== root && !file.startsWith(root + sep))) return null; // a symlink pointing out
    const st = await stat(file);
    if (st.isDirectory()) {
      const index = join(file, "index.html");
      return (await stat(index).catch(() => null))?.isFile() ? index : null;
    }
    return st.isFile() ? file : null;
  }

  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return fail(res, 405, "method not allowed");
    const path = new URL(req.url ?? "/", "http://x").pathname;
    find(path).then((file) => {
      if (file === null) return fail(res, 404, "not found");
      res.writeHead(200, { "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream" });
      if (req.method === "HEAD") return void res.end();
      createReadStream(file).on("error", () => res.destroy()).pipe(res);
    }, () => fail(res, 404, "not found"));
  };
}
