// A tiny OpenFlow controller for the controllers tests: a TCP server on a
// free loopback port that answers the switch's HELLO with 1.3 (our codec,
// through the agent tests' OfPeer) and asks to be master.
import * as net from 'node:net';

import { freePort } from '../agent/peers';
import { OfPeer } from '../agent/session-rig';

export async function testController(): Promise<{ target: string; server: net.Server; peers: OfPeer[]; close(): Promise<void> }> {
  const peers: OfPeer[] = [];
  const server = net.createServer((s) => {
    const p = new OfPeer(s);
    peers.push(p);
    void (async () => {
      await p.expect('OFPT_HELLO');
      p.send({ version: 4, xid: 1, type: 'OFPT_HELLO', versions: [4] });
      p.send({ version: 4, xid: 2, type: 'OFPT_ROLE_REQUEST', role: 'OFPCR_ROLE_MASTER', generationId: 1n });
    })().catch(() => undefined);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    target: `tcp:127.0.0.1:${port}`, server, peers,
    close: async () => {
      for (const p of peers) p.end();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

