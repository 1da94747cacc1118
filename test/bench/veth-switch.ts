// The mswitch side of the veth benchmark as a process of its own: one
// in-process switch br0 (l2-learning, one worker) with two veth ends as
// afxdp or afpacket ports, and nothing else, so the process's CPU time is
// the switch's.  Run inside the switch namespace by veth-peers.ts:
//   node veth-switch.js afxdp|afpacket IFNAME1 IFNAME2
// Prints "ready <port> <port>" once both ports are attached (or "failed:
// <why>" and exits 1), and closes the switch on SIGTERM or SIGINT.
import { Switch } from '../../controller-agent/src/datapath';

function main(): void {
  const [type, a, b] = process.argv.slice(2);
  if ((type !== 'afxdp' && type !== 'afpacket') || !a || !b) {
    process.stdout.write('failed: usage: veth-switch afxdp|afpacket IFNAME1 IFNAME2\n');
    process.exit(2);
  }
  const sw = new Switch({ name: 'br0', workers: 1, logic: 'l2-learning' });
  try {
    const add = (ifname: string, port: number): number =>
      type === 'afxdp' ? sw.addAfXdpPort({ ifname, port }) : sw.addAfPacketPort({ ifname, port });
    process.stdout.write(`ready ${add(a, 1)} ${add(b, 2)}\n`);
  } catch (e) {
    sw.close();
    process.stdout.write(`failed: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const stop = (): void => {
    sw.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  setInterval(() => undefined, 1 << 30);
}

main();
