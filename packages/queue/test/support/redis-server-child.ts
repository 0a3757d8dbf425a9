// A process that starts a test Redis server, prints `{"pid", "port", "dir"}` on one line and then idles
// until it is killed: redis-server.test.ts kills it with SIGKILL and checks that the watchdog ends the
// server and deletes its folder. Usage: `node --conditions=@kdlab/source --import tsx redis-server-child.ts`.
import { startRedisServer } from './redis-server.js';

const server = await startRedisServer();
process.stdout.write(`${JSON.stringify({ pid: server.pid, port: server.port, dir: server.dir })}\n`);
setInterval(() => undefined, 60_000);
