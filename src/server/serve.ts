import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { createApp } from "./app.js";

export interface StartServerOptions {
  store: RecoupStore;
  clock: Clock;
  /** 0 picks a free port; the chosen one is in the returned url. */
  port: number;
  host: string;
}

export interface RunningServer {
  /** Where it listens, e.g. "http://127.0.0.1:3000". */
  url: string;
  /** Stops accepting connections and resolves once open ones are done. Does not close the store. */
  close(): Promise<void>;
}

/**
 * Serves the API over HTTP on node:http and resolves once it listens.
 *
 * @example const server = await startServer({ store, clock: systemClock, port: 3000, host: "127.0.0.1" });
 */
export function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = createApp({ store: options.store, clock: options.clock });
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.host },
      (info: AddressInfo) => {
        server.off("error", reject);
        const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({ url: `http://${host}:${info.port}`, close: () => closeServer(server as Server) });
      },
    );
    server.once("error", reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
