// Text output of the CLI verbs, in the shape Open vSwitch users read:
// `dump-ports` as ovs-ofctl's OFPST_PORT reply, `show` as ovs-vsctl show.
import type { components } from '../api/schema';

type Port = components['schemas']['Port'];
type Switch = components['schemas']['Switch'];

// ovs-ofctl dump-ports: two lines per port, the port number right-aligned
// in a field of 2 ("port  1:"), ports in number order.
export function formatDumpPorts(ports: Port[]): string {
  const sorted = [...ports].sort((a, b) => a.port - b.port);
  const lines = [`OFPST_PORT reply (xid=0x2): ${sorted.length} ports`];
  for (const p of sorted) {
    const s = p.stats;
    lines.push(`  port ${String(p.port).padStart(2)}: rx pkts=${s.rxPackets}, bytes=${s.rxBytes}, drop=${s.rxDropped}, errs=${s.rxErrors}, frame=0, over=0, crc=0`);
    lines.push(`           tx pkts=${s.txPackets}, bytes=${s.txBytes}, drop=${s.txDropped}, errs=${s.txErrors}, coll=0`);
  }
  return `${lines.join('\n')}\n`;
}

// list-ports --long: one port a line in number order, with its type,
// link state, MTU and speed (Linux ports; '-' where there is none).
export function formatPortList(ports: Port[]): string {
  const rows = [['PORT', 'NAME', 'TYPE', 'STATE', 'MTU', 'SPEED']];
  for (const p of [...ports].sort((a, b) => a.port - b.port)) {
    const speed = p.speedMbps === undefined ? '-' : p.speedMbps % 1000 === 0 ? `${p.speedMbps / 1000}Gb/s` : `${p.speedMbps}Mb/s`;
    rows.push([String(p.port), p.name, p.type, p.up ? 'up' : 'down', p.mtu === undefined ? '-' : String(p.mtu), speed]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`).join('');
}

export interface ShowInput {
  version: string;
  pid: number;
  switches: { sw: Switch; ports: Port[] }[];
}

// ovs-vsctl show: the daemon, then each bridge with its settings and its
// ports, each port with its interface's type and options.
export function formatShow(input: ShowInput): string {
  const out = [`mswitch ${input.version} (pid ${input.pid})`];
  for (const { sw, ports } of input.switches) {
    out.push(`    Bridge ${sw.name}`);
    out.push(`        logic: ${sw.logic}${sw.logicConfig !== undefined && sw.logicConfig !== '' ? ` ${JSON.stringify(sw.logicConfig)}` : ''}`);
    out.push(`        fabric: ${sw.mode}, workers: ${sw.workers}, batch: ${sw.batchSize}`);
    out.push(`        memif socket: ${JSON.stringify(sw.memifSocket)}`);
    for (const p of [...ports].sort((a, b) => a.port - b.port)) {
      out.push(`        Port ${p.name}`);
      out.push(`            Interface ${p.name}`);
      out.push(`                type: ${p.type}`);
      if (p.memifId !== undefined) out.push(`                options: {id="${p.memifId}"}`);
      out.push(`                ofport: ${p.port}`);
      out.push(`                link_state: ${p.up ? 'up' : 'down'}`);
    }
  }
  return `${out.join('\n')}\n`;
}
