/** Secrets the application makes for itself and keeps in the database, so every instance agrees. */
import type { Db } from './connect.js';

/** The secret named `name`, made from `fresh()` by whichever instance asks first. */
export async function appSecret(db: Db, name: string, fresh: () => Buffer): Promise<Buffer> {
  await db.insertInto('app_secrets').values({ name, value: fresh() }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
