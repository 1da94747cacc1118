// A helper process for idle-cpu: holds COUNT memif clients (ids
// 0..COUNT-1) connected to one master and does nothing with them, the way
// idle VMs or containers sit on a switch.
//
//   node dist/test/bench/memif-clients.js SOCKET COUNT
//
// Prints "connected N" once every client is up (or "failed ID: reason"
// and exits 1), then waits; on SIGTERM or SIGINT closes them and exits 0.
// The clients never poll: without traffic nobody in this process runs.
import { MemifClient } from '../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../controller-agent/src/datapath';

function main(): void {
  const [socket, countText] = process.argv.slice(2);
  const count = Number.parseInt(countText ?? '', 10);
  if (!socket || !(count > 0)) {
    process.stderr.write('usage: memif-clients SOCKET COUNT\n');
    process.exit(2);
  }
  const clients: NativeMemifClient[] = [];
  const closeAll = (): void => {
    for (const c of clients) c.close();
    clients.length = 0;
  };
  for (let id = 0; id < count; id++) {
    try {
      // Small rings: the memory does not matter here, only the ports.
      clients.push(new MemifClient({ socket, id, name: `idle-${id}`, ringSize: 256, timeoutMs: 10000 }));
    } catch (e) {
      process.stdout.write(`failed ${id}: ${(e as Error).message}\n`);
      closeAll();
      process.exit(1);
    }
  }
  process.stdout.write(`connected ${clients.length}\n`);
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = (): void => {
    clearInterval(keepAlive);
    closeAll();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
