/**
 * joinMessages (gorilla JoinMessages): one Readable over the payloads of successive data
 * messages, each followed by `term`; it ends on a normal close and errors on any other failure.
 */
import { Readable } from "node:stream";
import { CloseError } from "../errors.js";
import type { Conn } from "./conn.js";

/**
 * JoinMessages concatenates the messages of the connection into a single stream, with `term`
 * after each message (gorilla). Destroying the stream does not close the conn.
 */
export function joinMessages(conn: Conn, term = ""): Readable {
  const t = term === "" ? null : Buffer.from(term, "utf8");
  let ac: AbortController | null = null;
  return new Readable({
    read() {
      ac = new AbortController();
      conn.readMessage({ signal: ac.signal }).then(
        ({ data }) => {
          ac = null;
          if (t === null) this.push(data);
          else this.push(Buffer.concat([data, t]));
        },
        (err: unknown) => {
          ac = null;
          if (this.destroyed) return;
          if (err instanceof CloseError && (err.code === 1000 || err.code === 1001 || err.code === 1005)) this.push(null);
          else this.destroy(err as Error);
        },
      );
    },
    destroy(err, cb) {
      // Cancel the pending read without touching the conn (API §4.1 signal semantics).
      ac?.abort();
      cb(err);
    },
  });
}
