// What the postgres tests put in and compare: several databases, roles, grants, non-ASCII text, bytea, and a
// few hundred thousand rows; the fingerprint is the same set of query results on every cluster.
import type { PgCluster } from './pg-server.js';

export const NON_ASCII = ['Zoë Ångström', '日本語テキスト', 'emoji 🐘 ✓ ß'];
export const SAMPLE_ROWS = 200_000;

export const SEED_SQL = `
CREATE ROLE app_owner LOGIN PASSWORD 'app-owner-pw';
CREATE ROLE reader NOLOGIN;
GRANT reader TO app_owner;
CREATE DATABASE app OWNER app_owner;
CREATE DATABASE metrics;
\\connect app
SET ROLE app_owner;
CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, photo bytea);
INSERT INTO people VALUES
  (1, '${NON_ASCII[0]}', '\\x00ff10'),
  (2, '${NON_ASCII[1]}', (SELECT decode(string_agg(lpad(to_hex(b), 2, '0'), '' ORDER BY b), 'hex') FROM generate_series(0, 255) b)),
  (3, '${NON_ASCII[2]}', NULL);
INSERT INTO people SELECT g, 'person ' || g || ' ü', sha256(g::text::bytea) FROM generate_series(4, 2000) g;
GRANT SELECT ON people TO reader;
CREATE VIEW people_names AS SELECT id, name FROM people;
\\connect metrics
CREATE TABLE samples (id bigint PRIMARY KEY, ts timestamptz NOT NULL, value double precision, label text);
INSERT INTO samples
  SELECT g, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second', g * 0.25, 'label-' || (g % 97)
  FROM generate_series(1, ${SAMPLE_ROWS}) g;
`;

/** The same queries on any cluster: equal strings mean equal roles, databases, grants and data. */
export interface Fingerprint {
  roles: string;
  databases: string;
  people: string;
  grants: string;
  view: string;
  samples: string;
}

export async function fingerprint(cluster: PgCluster): Promise<Fingerprint> {
  const [roles, databases, people, grants, view, samples] = await Promise.all([
    cluster.sql(
      'postgres',
      `SELECT rolname, rolsuper, rolcanlogin, rolinherit, rolcreatedb, coalesce(rolpassword, '') FROM pg_authid
       WHERE rolname !~ '^pg_' ORDER BY 1;
       SELECT r.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid
       JOIN pg_roles m ON m.oid = a.member WHERE r.rolname !~ '^pg_' ORDER BY 1, 2;`,
    ),
    cluster.sql(
      'postgres',
      `SELECT datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding) FROM pg_database ORDER BY 1;`,
    ),
    cluster.sql(
      'app',
      `SELECT count(*), md5(string_agg(id || ':' || name || ':' || coalesce(encode(photo, 'hex'), 'null'), ',' ORDER BY id)),
       pg_get_userbyid((SELECT relowner FROM pg_class WHERE relname = 'people')) FROM people;`,
    ),
    cluster.sql(
      'app',
      `SELECT grantee, privilege_type FROM information_schema.role_table_grants WHERE table_name = 'people' ORDER BY 1, 2;`,
    ),
    cluster.sql('app', `SELECT name FROM people_names WHERE id <= 3 ORDER BY id;`),
    cluster.sql('metrics', `SELECT count(*), md5(string_agg(s::text, ',' ORDER BY id)) FROM samples s;`),
  ]);
  return { roles, databases, people, grants, view, samples };
}
