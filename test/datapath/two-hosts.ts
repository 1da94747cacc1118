// Two hosts in network namespaces around an in-process switch: the fixture
// the Linux-port tests (afpacket, afxdp, offloads) share.
//
// twoHosts() registers the mocha hooks of the describe it is called in:
// the suite is skipped (pending, never passed) without root and `ip netns`;
// before each test host a (10.99.0.1) and host b (10.99.0.2) get a fresh
// namespace each, with one end of a veth pair inside ('inner') and the
// other in the root namespace ('outer', for the switch to attach); after
// each test the switch the test made (t.rig) is closed and the namespaces
// and veths are removed.
import type { NativeSwitch, PortInfo } from '../../controller-agent/src/datapath';
import { Netns, netnsUnavailable } from '../support/netns';
import type { NetnsHost } from '../support/netns';
import { sleep } from '../support/wait';
import type { Rig } from './switch-rig';

export interface TwoHosts {
  net: Netns;
  h1: NetnsHost;
  h2: NetnsHost;
  /** The switch the test made (makeRig); closed after the test. */
  rig: Rig | undefined;
  /** Port 'index' of t.rig's switch, as ports() lists it. */
  port(index: number): PortInfo;
}

/** A before hook: skips the suite where network namespaces cannot be made. */
export function skipUnlessNetns(this: Mocha.Context): void {
  const why = netnsUnavailable();
  if (why) {
    // eslint-disable-next-line no-console
    console.log(`      skipped: ${why}`);
    this.skip();
  }
}

/** Registers the hooks (see the header); 'prepare' runs on each host once it exists. */
export function twoHosts(prepare?: (h: NetnsHost) => void): TwoHosts {
  const t = {
    rig: undefined,
    port(index: number): PortInfo {
      const p = t.rig?.sw.ports().find((x) => x.index === index);
      if (!p) throw new Error(`no port ${index}`);
      return p;
    },
  } as TwoHosts;
  before(skipUnlessNetns);
  beforeEach(function () {
    t.net = new Netns();
    t.h1 = t.net.addHost('a', '10.99.0.1');
    t.h2 = t.net.addHost('b', '10.99.0.2');
    if (prepare) for (const h of [t.h1, t.h2]) prepare(h);
  });
  afterEach(function () {
    t.rig?.close();
    t.rig = undefined;
    t.net?.cleanup();
  });
  return t;
}

/** Worker wake-ups and busy time of 'sw' over 'ms' of no traffic: an idle switch sleeps rather than spins. */
export async function idleOver(sw: NativeSwitch, ms: number): Promise<{ wakeups: number; busySeconds: number }> {
  const sum = () => sw.workers().reduce((s, w) => ({ wakeups: s.wakeups + w.wakeups, busySeconds: s.busySeconds + w.busySeconds }),
    { wakeups: 0, busySeconds: 0 });
  const before = sum();
  await sleep(ms);
  const after = sum();
  return { wakeups: after.wakeups - before.wakeups, busySeconds: after.busySeconds - before.busySeconds };
}
