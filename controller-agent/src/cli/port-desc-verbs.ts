// The CLI's dump-ports-desc: each port's description as ovs-ofctl
// dump-ports-desc prints an OFPST_PORT_DESC reply, from the REST API's
// ports resource.
//
//   dump-ports-desc BR        ports in number order:
//    1(memif0):
//        config:     0
//        state:      LINK_DOWN
//        speed: 10000 Mbps now, 0 Mbps max
//
// What differs from ovs-ofctl: the REST API has no port hardware address
// (a memif port has none), so the `addr:` OVS prints after the name is
// left out rather than invented; `config` is 0 (no port is
// administratively down through this API) and the `current` feature line
// is not printed.  The port name, state (LINK_DOWN when the port is down)
// and speed are the switch's.
import type { components } from '../api/schema';
import type { VerbKit } from './flow-verbs';

type Port = components['schemas']['Port'];

export function formatPortsDesc(ports: Port[]): string {
  const lines = ['OFPST_PORT_DESC reply (xid=0x2):'];
  for (const p of [...ports].sort((a, b) => a.port - b.port)) {
    lines.push(` ${p.port}(${p.name}):`);
    lines.push('     config:     0');
    lines.push(`     state:      ${p.up ? '0' : 'LINK_DOWN'}`);
    lines.push(`     speed: ${p.speedMbps ?? 0} Mbps now, 0 Mbps max`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerPortDescVerb(kit: VerbKit): void {
  kit.verb('dump-ports-desc <bridge>', 'print each port\'s description, as ovs-ofctl dump-ports-desc does')
    .action(async (bridge: string, flags: { rundir?: string }) => kit.setExit(await kit.run('dump-ports-desc', flags, async (api) => {
      const r = await api.call<{ ports: Port[] }>('GET', `/switches/${encodeURIComponent(bridge)}/ports`);
      return formatPortsDesc(r.ports);
    })));
}
