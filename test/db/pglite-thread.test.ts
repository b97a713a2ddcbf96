import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect.js";

describe("the embedded database in its worker thread", () => {
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it("keeps this thread's event loop free while a long query runs", async () => {
    handle = await openDatabase("memory://");
    const order: string[] = [];
    // About a second of work inside PGlite; on this thread it would hold back every timer.
    const query = handle.pool
      .query("SELECT count(*) AS n FROM generate_series(1, 3000000) a JOIN generate_series(1, 1) b ON true")
      .then((result) => order.push(`query ${result.rows[0].n}`));
    await new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => order.push("timer"));
    await query;
    expect(order).toEqual(["timer", "query 3000000"]);
  });

  it("reports a failing statement as node-postgres does, and goes on serving", async () => {
    handle = await openDatabase("memory://");
    await expect(handle.pool.query("SELECT * FROM no_such_table")).rejects.toMatchObject({
      code: "42P01",
      message: 'relation "no_such_table" does not exist',
    });
    expect((await handle.pool.query("SELECT 1 + 1 AS two")).rows).toEqual([{ two: 2 }]);
  });

  it("runs a transaction and a COPY from a blob in the same session", async () => {
    handle = await openDatabase("memory://");
    const client = await handle.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("CREATE TEMP TABLE t (a int, b text)");
      await handle.embedded!.copyFromBlob("COPY t (a, b) FROM '/dev/blob'", "1\tone\n2\ttwo\n");
      expect((await client.query("SELECT a, b FROM t ORDER BY a")).rows).toEqual([
        { a: 1, b: "one" },
        { a: 2, b: "two" },
      ]);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
  });

  it("reports a COPY the database refuses with its message and code", async () => {
    handle = await openDatabase("memory://");
    await handle.pool.query("CREATE TABLE t (a int)");
    await expect(handle.embedded!.copyFromBlob("COPY t (a) FROM '/dev/blob'", "x\n")).rejects.toMatchObject({
      code: "22P02",
      message: expect.stringContaining("invalid input syntax for type integer"),
    });
  });

  it("refuses work after it is closed", async () => {
    const closed = await openDatabase("memory://");
    await closed.close();
    await expect(closed.embedded!.copyFromBlob("SELECT 1", "")).rejects.toThrow(/stopped/);
  });
});
