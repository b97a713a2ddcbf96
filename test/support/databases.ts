import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe } from "vitest";
import { openRecoup, type RecoupStore } from "../../src/db/open-recoup.js";

/** The PostgreSQL server CI machines run; override with RECOUP_TEST_PG. */
export const TEST_SERVER_URL = process.env.RECOUP_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";

let serverReachable: Promise<boolean> | undefined;

export function isServerReachable(): Promise<boolean> {
  serverReachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      console.warn(`[recoup tests] no PostgreSQL server at ${TEST_SERVER_URL}: server suites are skipped`);
      return false;
    }
  })();
  return serverReachable;
}

/** Creates a throw-away database on the test server and returns its URL. */
export async function createServerDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `recoup_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_SERVER_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface DatabaseUnderTest {
  kind: "pglite" | "postgres";
  /** Opens a fresh, migrated, empty store. Closed and dropped after the suite. */
  freshStore(): Promise<RecoupStore>;
}

/**
 * Runs the same suite on embedded PGlite and on the PostgreSQL server (DESIGN 6). The server suite
 * is skipped, with a printed notice, only where no server is reachable.
 *
 * @example describeEachDatabase("import", (dbt) => { it("…", async () => { const store = await dbt.freshStore(); … }) })
 */
export function describeEachDatabase(name: string, suite: (database: DatabaseUnderTest) => void): void {
  for (const kind of ["pglite", "postgres"] as const) {
    describe(`${name} [${kind}]`, async () => {
      const available = kind === "pglite" || (await isServerReachable());
      const opened: RecoupStore[] = [];
      const dropped: (() => Promise<void>)[] = [];
      afterAll(async () => {
        for (const store of opened) await store.close().catch(() => undefined);
        for (const drop of dropped) await drop().catch(() => undefined);
      });
      describe.skipIf(!available)(kind, () => {
        suite({
          kind,
          async freshStore() {
            let target = "memory://";
            if (kind === "postgres") {
              const created = await createServerDatabase();
              dropped.push(created.drop);
              target = created.url;
            }
            const store = await openRecoup(target);
            opened.push(store);
            return store;
          },
        });
      });
    });
  }
}
