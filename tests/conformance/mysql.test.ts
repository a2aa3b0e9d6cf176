// The target contract for mysql targets (tests/conformance/contract.ts): a real MariaDB reached through the docker
// stand-in; the failing source is a port nobody listens on, the hanging one a container whose dump never ends.
import { freePort } from '../helpers/net.js';
import { MARIADB_BINARIES, startMariadb } from '../mysql/server.js';
import { conformance } from './contract.js';

const PASSWORD = 'My-conf0rmance-s3cret';

conformance({
  type: 'mysql',
  binaries: MARIADB_BINARIES,
  optOut: {
    restore: 'restoring needs a second server; tests/mysql/mysql.test.ts restores into a fresh MariaDB and compares the data',
  },
  async start() {
    const server = await startMariadb();
    await server.sql(
      `CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}'; GRANT ALL ON *.* TO 'backup'@'127.0.0.1';
       CREATE DATABASE shop DEFAULT CHARSET utf8mb4; CREATE TABLE shop.items (name VARCHAR(50)) DEFAULT CHARSET utf8mb4;
       INSERT INTO shop.items VALUES ('Grüße 😀');`,
    );
    const fields = (container: string, port: number) =>
      `container: ${container}, host: 127.0.0.1, port: ${port}, user: backup, password: "\${CONFORMANCE_SECRET}"`;
    return {
      good: fields('maria', server.port),
      broken: fields('maria', await freePort()),
      hanging: fields('hanging', server.port),
      secret: PASSWORD,
      childEnv: ['MYSQL_PWD'],
      env: { DOCKER_FAKE_CONTAINERS: JSON.stringify({ maria: {}, hanging: { behaviour: 'hang' } }), MYSQL_PWD: undefined },
      stop: () => server.stop(),
    };
  },
});
