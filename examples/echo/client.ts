/**
 * Echo client for Node: sends each line of stdin to an echo server and prints the reply; at the end
 * of input (or Ctrl-C) it runs the close handshake. `node build/examples/echo/client.js [url]`.
 */
import { createInterface } from "node:readline";
import { existsSync, realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { dial, BadHandshakeError, CloseNormalClosure, TextMessage, type CloseError } from "../../src/index.js";

/**
 * Dials `url`, then for each line sends it as a text message and waits for the echo, which is
 * passed to `onReply`. When `lines` ends, closes with 1000 and resolves with the server's answer
 * (`CloseError` 1000 from a well-behaved server, `null` if it did not answer within 2 s).
 * @example
 * await runEchoClient("ws://127.0.0.1:8080/echo", ["hello"], (reply) => console.log(reply));
 */
export async function runEchoClient(
  url: string,
  lines: Iterable<string> | AsyncIterable<string>,
  onReply: (reply: string) => void,
): Promise<CloseError | null> {
  const { conn } = await dial(url);
  try {
    for await (const line of lines) {
      await conn.writeMessage(TextMessage, line);
      // One request, one reply: reading here keeps the output in step with the input.
      const { data } = await conn.readMessage();
      onReply(data.toString("utf8"));
    }
  } catch (err) {
    conn.close();
    throw err;
  }
  // Sends the close frame, waits for the server's, then ends the TCP connection.
  return conn.shutdown(CloseNormalClosure, "", 2000);
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && existsSync(entry) && import.meta.url === pathToFileURL(realpathSync(entry)).href;
}

if (isMain()) {
  const url = process.argv[2] ?? `ws://127.0.0.1:${process.env["PORT"] ?? 8080}/echo`;
  const rl = createInterface({ input: process.stdin, terminal: false });
  process.once("SIGINT", () => rl.close()); // ends the line iteration → close handshake
  if (process.stdin.isTTY) console.error(`echo client: connected to ${url}; type lines, Ctrl-D to quit`);
  try {
    const closed = await runEchoClient(url, rl, (reply) => console.log(`recv: ${reply}`));
    console.error(closed ? `closed: ${closed.code}` : "closed: the server did not answer the close frame");
  } catch (err) {
    if (err instanceof BadHandshakeError) {
      console.error(`echo client: handshake failed: HTTP ${err.response.status} ${err.response.body.toString()}`);
    } else {
      console.error("echo client:", err instanceof Error ? err.message : err);
    }
    process.exitCode = 1;
  }
}
