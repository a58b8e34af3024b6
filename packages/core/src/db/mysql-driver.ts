// mysql2, loaded on first use: only db-access direct (and restores on a VPC runner) need the driver,
// and leaving it out of start-up keeps every other action's cold start shorter (bench/README.md).
import type MysqlPromise from 'mysql2/promise';

let driver: Promise<typeof MysqlPromise> | undefined;

export function loadMysql(): Promise<typeof MysqlPromise> {
  driver ??= import('mysql2/promise').then((m) => m.default);
  return driver;
}
