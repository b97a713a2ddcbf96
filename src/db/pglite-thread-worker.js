// @ts-check
/**
 * The worker thread that hosts the embedded database (see pglite-thread.ts). Plain JavaScript so
 * that the same file runs from src/ under tsx and Vitest and from dist/ after the build.
 *
 * Requests are served one at a time, in the order they arrive, as one PostgreSQL session would.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Blob } from "node:buffer";
import { PGlite } from "@electric-sql/pglite";

const port = parentPort;
if (!port) throw new Error("pglite-thread-worker.js runs as a worker thread");

const pglite = new PGlite(workerData.dataDir ?? undefined);
/** @type {Promise<unknown>} */
let queue = pglite.waitReady;

/**
 * @param {{ id: number, type: "ready" } | { id: number, type: "protocol", bytes: Uint8Array }
 *   | { id: number, type: "copyFromBlob", sql: string, text: string } | { id: number, type: "close" }} request
 */
async function serve(request) {
  switch (request.type) {
    case "ready":
      return null;
    case "protocol": {
      // The answer may be a view of the WebAssembly memory: copy it out before handing it over.
      const answer = (await pglite.execProtocolRaw(request.bytes)).slice();
      return answer;
    }
    case "copyFromBlob":
      await pglite.query(request.sql, [], { blob: new Blob([request.text]) });
      return null;
    case "close":
      await pglite.close();
      return null;
  }
}

port.on("message", (request) => {
  queue = queue
    .then(() => serve(request))
    .then(
      (result) => {
        if (result instanceof Uint8Array)
          port.postMessage({ id: request.id, bytes: result }, [result.buffer]);
        else port.postMessage({ id: request.id });
      },
      (error) => {
        const { message, code, detail, hint, position, where } = /** @type {any} */ (error ?? {});
        port.postMessage({
          id: request.id,
          error: { message: String(message ?? error), code, detail, hint, position, where },
        });
      },
    );
});
