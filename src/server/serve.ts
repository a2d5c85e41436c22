/** Runs a StewardApp on Node's HTTP server, with a graceful, bounded shutdown. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { StewardApp } from './app.js';
import { withNodeWebhooks } from './webhook-listener.js';

export interface StartServerOptions {
  app: StewardApp;
  /** Interface to listen on; default `127.0.0.1` (only this machine). */
  host?: string;
  /** Port; default 8787; 0 picks a free one (see `port` on the result). */
  port?: number;
  /** How long shutdown waits for in-flight requests before aborting them; default 30 s. */
  drainTimeoutMs?: number;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /**
   * Stops accepting connections, answers `/healthz` with 503, waits for in-flight requests (up to
   * `drainTimeoutMs`, then aborts them), and closes the agents, the runtime and the store.
   */
  close(): Promise<void>;
}

/** After the drain deadline, aborted handlers get this long to write their records and respond. */
const abortGraceMs = 5_000;

/**
 * @example
 * const server = await startServer({ app, port: 0 });
 * console.log(`steward listening on ${server.url}`);
 * process.once('SIGTERM', () => server.close());
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { app } = options;
  const host = options.host ?? '127.0.0.1';
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  // Channel webhooks are served from Node's request before Hono (webhook-listener.ts); the rest through Hono,
  // with the listener createAdaptorServer would make.
  const server = createServer(
    withNodeWebhooks(getRequestListener(app.fetch, { hostname: host }), app.webhooks),
  );
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // A client that stalls mid-request must not hold a connection (and shutdown) forever.
  server.requestTimeout = 300_000;
  server.headersTimeout = 60_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const requests = trackRequests(server);
  let closing: Promise<void> | undefined;
  const close = async () => {
    const { lifecycle } = app;
    lifecycle.startDraining();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (!(await requests.waitForNone(drainTimeoutMs))) {
      lifecycle.abortInFlight(`the server is shutting down and waited ${drainTimeoutMs} ms for this request`);
      await requests.waitForNone(abortGraceMs);
    }
    // Every response has been handed to the OS; what is left are idle keep-alive sockets.
    server.closeAllConnections();
    await serverClosed;
    await lifecycle.closeResources();
  };

  return {
    url,
    port,
    close() {
      closing ??= close();
      return closing;
    },
  };
}

/**
 * Counts requests from arrival until their response is fully written (or the client went away). The
 * app's own handlers finish a moment before Node writes their response, so this is counted at the socket.
 */
function trackRequests(server: Server): { waitForNone(timeoutMs: number): Promise<boolean> } {
  let active = 0;
  let waiters: Array<() => void> = [];
  server.on('request', (_request, response) => {
    active++;
    response.once('close', () => {
      active--;
      if (active > 0) return;
      const done = waiters;
      waiters = [];
      for (const waiter of done) waiter();
    });
  });
  return {
    waitForNone(timeoutMs) {
      if (active === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const onNone = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== onNone);
          resolve(false);
        }, timeoutMs);
        waiters.push(onNone);
      });
    },
  };
}
