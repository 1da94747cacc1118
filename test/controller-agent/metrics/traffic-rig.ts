// A switch in the test process whose ports have seen every kind of
// traffic the fabric counts without a hostile client: the metrics tests'
// common subject.
import type { NativeSwitch, PortInfo } from '../../../controller-agent/src/datapath';
import { makeRig, mac, frame, sendAll } from '../../datapath/switch-rig';
import type { Rig } from '../../datapath/switch-rig';
import { waitFor } from '../../support/wait';

export const byPort = (sw: NativeSwitch): Map<number, PortInfo> => new Map(sw.ports().map((p) => [p.index, p]));

// A switch whose ports see every kind of traffic the fabric can count
// without a hostile client, with the static logic:
//   port 1 (client a) -> port 2 (client b, a 64-slot ring it never reads): no-space on 2
//   port 2 (client b) -> port 3 (configured, no client):                   port-down on 2
//   port 4 (client d), no map entry:                                        logic-drop on 4
//   port 5 (client e) -> port 5:                                            hairpin on 5
export const SENT = { a: 500, b: 10, d: 7, e: 3 };

export async function trafficRig(): Promise<Rig> {
  const rig = await makeRig({ logic: 'static', logicConfig: '1=2,2=3,5=5', workers: 2 });
  for (let id = 0; id < 5; id++) rig.sw.addMemifInterface({ id, port: id + 1 });
  const a = await rig.connect(0);
  const b = await rig.connect(1, { ringSize: 64 });
  const d = await rig.connect(3);
  const e = await rig.connect(4);
  const burst = (n: number, len: number): Buffer[] => Array.from({ length: n }, (_, i) => frame(mac(9), mac(1), len, i));
  sendAll(a, burst(SENT.a, 100));
  sendAll(b, burst(SENT.b, 200));
  sendAll(d, burst(SENT.d, 60));
  sendAll(e, burst(SENT.e, 80));
  await waitFor(() => {
    const p = byPort(rig.sw);
    const [p1, p2, p4, p5] = [p.get(1)!, p.get(2)!, p.get(4)!, p.get(5)!];
    return p1.rxPackets === SENT.a && p2.txPackets + p2.drops['no-space'] === SENT.a &&
      p2.drops['port-down'] === SENT.b && p4.drops['logic-drop'] === SENT.d && p5.drops.hairpin === SENT.e;
  }, { what: 'every frame forwarded or counted', timeoutMs: 10_000 });
  return rig;
}

