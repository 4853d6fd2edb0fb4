import { Client } from 'pg';

/**
 * Creates the database named in `url` when it does not exist yet (development convenience, so
 * `npm start` works against a bare local PostgreSQL). Never called when NODE_ENV=production.
 * Returns whether it created the database. Connection errors (e.g. ECONNREFUSED, or a timeout
 * after `connectTimeoutMs`) are thrown as they come.
 */
export async function ensureDatabase(url: string, connectTimeoutMs = 0): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return false;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: connectTimeoutMs });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}
