// The frame the test HTTP servers share (GitHub's repository and runner APIs, Microsoft Graph): read a
// request whole, serve each request with an async handler (a throw answers 500), listen on a loopback
// port, close with every connection.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The request's URL and its body: parsed as JSON when it is JSON, else the text (undefined when empty). */
export async function readRequest(req: IncomingMessage): Promise<{ url: URL; body: unknown }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const text = await readBody(req);
  try {
    return { url, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { url, body: text };
  }
}

/** A request listener that runs `handle` and answers 500 with the error when it throws. */
export function serveAsync(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  };
}

/** Listens on a free loopback port; resolves with `http://127.0.0.1:PORT`. */
export async function listenLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
