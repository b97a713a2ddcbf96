import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { BackendMessage } from "pg-protocol/dist/messages.js";
import { Parser } from "pg-protocol/dist/parser.js";

/** The worker's entry, found from both src/db and dist/db (it is plain JavaScript, not compiled). */
const WORKER_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../src/db/pglite-thread-worker.js",
);

/** An error the embedded database reported, with PostgreSQL's fields where it gave them. */
export class EmbeddedDatabaseError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "EmbeddedDatabaseError";
  }
}

type Reply = {
  id: number;
  bytes?: Uint8Array;
  error?: { message: string; code?: string; detail?: string };
};

/**
 * The embedded database (PGlite) in a worker thread. PGlite runs each query synchronously in the
 * thread that calls it; hosted on the main thread, a portfolio-wide report or the daily cycle
 * would stop the HTTP server from answering anyone for seconds (DESIGN 3 measured 6 s, against
 * 51 ms from a worker thread). Here the main thread only passes protocol bytes back and forth.
 *
 * It offers what PGlite's node-postgres adapter uses (`waitReady`, `execProtocolStream`), so
 * `createPgConfig(thread)` gives the one `pg.Pool` that Kysely, migrations and pg-boss share, plus
 * the one thing the adapter cannot carry: COPY … FROM '/dev/blob' for the import's staging.
 *
 * @example const thread = new PGliteThread("/data/pgdata"); const pool = new pg.Pool({ ...createPgConfig(thread as never), max: 1 })
 */
export class PGliteThread {
  readonly waitReady: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #exited: Error | null = null;

  /** `dataDir` undefined: a throw-away in-memory database. */
  constructor(dataDir: string | undefined) {
    this.#worker = new Worker(WORKER_FILE, { workerData: { dataDir } });
    this.#worker.on("message", (reply: Reply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      waiting?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.#exited = error;
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
    };
    this.#worker.on("error", fail);
    this.#worker.on("exit", (code) =>
      fail(new Error(`the embedded database thread stopped (exit code ${code})`)),
    );
    this.waitReady = this.#request({ type: "ready" }).then(() => undefined);
  }

  /** Runs protocol messages and returns the backend's answers, as PGlite's method of that name does. */
  async execProtocolStream(
    bytes: Uint8Array,
    _options?: { throwOnError?: boolean },
  ): Promise<BackendMessage[]> {
    // Copied, not transferred: node-postgres serialises into pooled buffers that others share.
    const reply = await this.#request({ type: "protocol", bytes });
    const messages: BackendMessage[] = [];
    new Parser().parse(
      Buffer.from(reply.bytes!.buffer, reply.bytes!.byteOffset, reply.bytes!.byteLength),
      (m) => messages.push(m),
    );
    return messages;
  }

  /** `COPY <table> (<columns>) FROM '/dev/blob'` with `text` as the file, in the same session. */
  async copyFromBlob(sql: string, text: string): Promise<void> {
    await this.#request({ type: "copyFromBlob", sql, text });
  }

  async close(): Promise<void> {
    if (this.#exited) return;
    await this.#request({ type: "close" });
    await this.#worker.terminate();
  }

  #request(message: Record<string, unknown>): Promise<Reply> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      // The thread keeps the process alive only while a request waits on it, as a socket would.
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...message });
    }).then((reply) => {
      if (reply.error)
        throw new EmbeddedDatabaseError(reply.error.message, reply.error.code, reply.error.detail);
      return reply;
    });
  }
}
