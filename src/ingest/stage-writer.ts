import { once } from "node:events";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { DatabaseHandle } from "../db/connect.js";

/**
 * Writes rows into a (temporary) table with COPY, in bounded memory. `write` only buffers (it is
 * called once per row, so it stays synchronous); `flushIfFull` sends the buffer once it is large.
 */
export interface StageWriter {
  /** One row: its source line, then its values in the table's column order after `line`. */
  write(line: number, values: readonly (string | number | boolean | null)[]): void;
  flushIfFull(): Promise<void>;
  end(): Promise<void>;
}

const FLUSH_BYTES = 1 << 20;

/**
 * COPY on a PostgreSQL server goes through pg-copy-streams on the transaction's client. PGlite's
 * node-postgres adapter cannot carry COPY FROM STDIN, so there each chunk is handed to PGlite's own
 * `COPY … FROM '/dev/blob'`, which runs in the same (single) session and so the same transaction.
 */
export function openStageWriter(
  handle: DatabaseHandle,
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
): StageWriter {
  const copySql = `COPY ${table} (${columns.join(", ")}) FROM `;
  let buffer = "";

  if (handle.kind === "pglite") {
    const embedded = handle.embedded!;
    const flush = async () => {
      if (buffer === "") return;
      const chunk = buffer;
      buffer = "";
      await embedded.copyFromBlob(`${copySql}'/dev/blob'`, chunk);
    };
    return {
      write(line, values) {
        buffer += `${line}\t${encodeCopyLine(values)}`;
      },
      async flushIfFull() {
        if (buffer.length >= FLUSH_BYTES) await flush();
      },
      end: flush,
    };
  }

  const stream = client.query(copyFrom(`${copySql}STDIN`));
  let failure: Error | undefined;
  stream.on("error", (error: Error) => {
    failure = error;
  });
  const flush = async () => {
    if (failure) throw failure;
    if (buffer === "") return;
    const chunk = buffer;
    buffer = "";
    if (!stream.write(chunk)) await once(stream, "drain");
  };
  return {
    write(line, values) {
      buffer += `${line}\t${encodeCopyLine(values)}`;
    },
    async flushIfFull() {
      if (buffer.length >= FLUSH_BYTES) await flush();
    },
    async end() {
      await flush();
      stream.end();
      await finished(stream);
      if (failure) throw failure;
    },
  };
}

/** One line of COPY's text format: tab-separated, \N for null, backslash escapes. */
export function encodeCopyLine(values: readonly (string | number | boolean | null)[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += "\t";
    const value = values[i];
    if (value === null || value === undefined) line += "\\N";
    else if (typeof value === "string") line += escapeCopyText(value);
    else line += String(value);
  }
  return line + "\n";
}

function escapeCopyText(text: string): string {
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    : text;
}
