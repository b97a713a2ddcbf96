import { openDatabase, type DatabaseHandle } from "./connect.js";
import { migrate } from "./migrate.js";

export interface RecoupStore {
  handle: DatabaseHandle;
  /** The organisation this process works for; a fresh install has one (created by migration 001). */
  organisationId: number;
  /** Its default legal entity, whose base currency applies to customers that name none. */
  entityId: number;
  baseCurrency: string;
  timeZone: string;
  close(): Promise<void>;
}

/** Opens the database and applies pending migrations. Every command and the server start here. */
export async function openRecoup(target?: string): Promise<RecoupStore> {
  const handle = await openDatabase(target);
  try {
    await migrate(handle.pool);
    const { rows } = await handle.pool.query<{
      organisation_id: number;
      entity_id: number;
      base_currency: string;
      time_zone: string;
    }>(
      `SELECT organisation_id, id AS entity_id, base_currency, time_zone FROM entities
       WHERE code = 'default' ORDER BY organisation_id LIMIT 1`,
    );
    const row = rows[0]!;
    return {
      handle,
      organisationId: row.organisation_id,
      entityId: row.entity_id,
      baseCurrency: row.base_currency,
      timeZone: row.time_zone,
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
