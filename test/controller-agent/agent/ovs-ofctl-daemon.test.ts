// Real ovs-ofctl (Debian's openvswitch-common) against the real daemon
// (`mswitch start --logic openflow --listen ptcp:PORT`), the whole command
// list of issue 4, over both the management socket <rundir>/br0.mgmt
// (OVS_RUNDIR pointed at the run directory) and TCP, with -O OpenFlow10
// and -O OpenFlow13.  Every answer is compared with what the switch
// really holds: the daemon's REST dump of its flows and ports (a path
// that does not go through OpenFlow), or frames received by two memif
// clients of ours.
//
// What ovs-ofctl cannot do against us, and why (asserted where the answer
// is ours):
// - `monitor br0 watch:` asks for the Nicira/ONF flow monitor extension
//   (NXST_FLOW_MONITOR / ONFST_FLOW_MONITOR); we answer BAD_VENDOR (the
//   BAD_EXPERIMENTER code) as issue 4 says for extensions.  Plain
//   `monitor br0 65534` shows packet-ins and port status (ovs-ofctl
//   prints those on stderr, replies such as the error on stdout).
// - With OpenFlow 1.0, `dump-groups` uses NXST_GROUP_DESC (refused the
//   same way); `dump-table-features`, `add-meter` and `dump-meters` are
//   refused by ovs-ofctl itself before it connects; a flow naming
//   `table=N` needs the Nicira table_id extension, so the 1.0 cases
//   leave the table out (table 0).
import { expect } from 'chai';
import { execFile } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { ApiClient } from '../../../controller-agent/src/cli/client';
import { MemifClient } from '../../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../../controller-agent/src/datapath';
import { drain, frame, mac, receive, sendAll } from '../../datapath/switch-rig';
import { startDaemon } from '../../support/daemon-process';
import type { DaemonProcess } from '../../support/daemon-process';
import { killTracked, spawnTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { sleep, waitFor } from '../../support/wait';
import { freePort, installed } from './peers';

interface Run {
  code: number;
  out: string;
  err: string;
}

interface RestFlow {
  table: number;
  text: string;
}

interface RestPort {
  port: number;
  name: string;
  up: boolean;
  stats: { rxPackets: number; rxBytes: number; txPackets: number; txBytes: number };
}

const DPID = '00000a0000000b0c';
const VERSIONS = ['OpenFlow10', 'OpenFlow13'] as const;

// The switch's own dump line as ovs-ofctl prints it from OpenFlow 1.0:
// 1.0 flow stats carry no flags, and 1.0 has its own names for some actions.
const as10 = (line: string): string => line.replace(' send_flow_rem', '').replace(/\bpop_vlan\b/g, 'strip_vlan')
  .replace(/set_field:(\d+)->ip_dscp/g, (_, dscp: string) => `mod_nw_tos:${Number(dscp) * 4}`);

// A dump-flows line without what changes by itself.
const stable = (line: string): string => line.trim().replace(/duration=[^,]+, /, '');

describe('agent e2e: real ovs-ofctl against the daemon, every command', function () {
  this.timeout(120_000);
  let rundir: string;
  let tcpPort = 0;
  let d: DaemonProcess | undefined;
  let api: ApiClient;
  let c1: NativeMemifClient | undefined;
  let c2: NativeMemifClient | undefined;

  before(async function () {
    if (!installed('ovs-ofctl')) this.skip();
    rundir = makeTempRunDir();
    tcpPort = await freePort();
    d = await startDaemon({
      rundir,
      args: ['--logic', 'openflow', '--memif-ports', '2', '--listen', `ptcp:${tcpPort}:127.0.0.1`, '--fail-mode', 'secure', '--datapath-id', DPID],
    });
    api = new ApiClient(join(rundir, 'mswitch.sock'));
    c1 = new MemifClient({ socket: d.socket(), id: 0 });
    c2 = new MemifClient({ socket: d.socket(), id: 1 });
    await waitFor(() => c1!.connected() && c2!.connected(), { what: 'memif clients connected' });
  });
  after(async () => {
    c1?.close();
    c2?.close();
    if (d) await killTracked(d.proc, 'SIGTERM');
    removeTempDir(rundir);
  });

  const restFlows = async (): Promise<RestFlow[]> => (await api.call<{ flows: RestFlow[] }>('GET', '/switches/br0/flows')).flows;
  const restPorts = async (): Promise<RestPort[]> => (await api.call<{ ports: RestPort[] }>('GET', '/switches/br0/ports')).ports;

  for (const transport of ['mgmt', 'tcp'] as const) {
    for (const version of VERSIONS) {
      const of13 = version === 'OpenFlow13';
      describe(`${version} over ${transport === 'mgmt' ? 'the management socket' : 'TCP (ptcp listener)'}`, () => {
        const target = (): string => (transport === 'mgmt' ? 'br0' : `tcp:127.0.0.1:${tcpPort}`);
        // Asynchronous, so the event loop (and the memif clients' waits) are not held.
        const run = (cmd: string, ...args: string[]): Promise<Run> => new Promise((resolve) => {
          const opts = args.filter((a) => a.startsWith('--'));
          const rest = args.filter((a) => !a.startsWith('--'));
          execFile('ovs-ofctl', ['--timeout=20', '-O', version, ...opts, cmd, target(), ...rest], { env: { ...process.env, OVS_RUNDIR: rundir }, encoding: 'utf8', maxBuffer: 256 << 20 },
            (e, out, err) => resolve({ code: e ? Number(e.code ?? 1) : 0, out, err }));
        });
        const ok = async (cmd: string, ...args: string[]): Promise<string> => {
          const r = await run(cmd, ...args);
          expect(r.code, `ovs-ofctl ${cmd} ${args.join(' ')}: ${r.err}`).to.equal(0);
          return r.out;
        };
        const dumped = async (...filter: string[]): Promise<string[]> =>
          (await ok('dump-flows', ...filter)).split('\n').filter((l) => l.startsWith(' cookie=')).map(stable);
        // Both views of the flow tables, in the same order (table, then priority).
        const bothViews = async (): Promise<{ ofctl: string[]; rest: string[] }> =>
          ({ ofctl: await dumped(), rest: (await restFlows()).map((f) => stable(f.text)) });
        const aggregate = async (): Promise<{ packets: number; bytes: number; flows: number }> => {
          const m = /packet_count=(\d+) byte_count=(\d+) flow_count=(\d+)/.exec(await ok('dump-aggregate'));
          expect(m, 'dump-aggregate answer').to.not.equal(null);
          return { packets: Number(m![1]), bytes: Number(m![2]), flows: Number(m![3]) };
        };

        beforeEach(async () => {
          await ok('del-flows');
          if (of13) await ok('del-groups');
          drain(c1!, 50);
          drain(c2!, 50);
        });

        it('show and dump-ports-desc list the switch\'s ports by number, name and link state, under its datapath id', async () => {
          const ports = await restPorts();
          expect(ports.map((p) => p.up)).to.deep.equal([true, true]);
          const show = await ok('show');
          expect(show).to.match(new RegExp(`^OFPT_FEATURES_REPLY ${of13 ? '\\(OF1\\.3\\) ' : ''}\\(xid=0x\\w+\\): dpid:${DPID}\\nn_tables:64, n_buffers:0\\n`));
          for (const out of [show, await ok('dump-ports-desc')]) {
            const listed = [...out.matchAll(/^ (\d+)\((\S+)\): addr:\S+\n\s+config:\s+(\S+)\n\s+state:\s+(\S+)/gm)].map((m) => ({ port: Number(m[1]), name: m[2], config: m[3], state: m[4] }));
            expect(listed).to.deep.equal(ports.map((p) => ({ port: p.port, name: p.name, config: '0', state: p.up ? (of13 ? 'LIVE' : '0') : 'LINK_DOWN' })));
          }
        });

        it('dump-desc names the bridge and the software', async () => {
          const out = await ok('dump-desc');
          expect(out).to.match(/\nManufacturer: mswitch project\n/);
          expect(out).to.match(/\nSoftware: mswitch \d+\.\d+\.\d+/);
          expect(out).to.match(/\nDP Description: br0\n/);
        });

        it('dump-tables counts the flows each table holds', async () => {
          await ok('add-flow', 'priority=1,actions=drop');
          await ok('add-flow', 'priority=2,in_port=1,actions=output:2');
          if (of13) await ok('add-flow', 'table=3,priority=2,in_port=1,actions=output:2');
          const out = await ok('dump-tables');
          expect(/table 0[^\n]*:\n\s+active=(\d+)/.exec(out)?.[1]).to.equal('2');
          if (of13) expect(/table 3[^\n]*:\n\s+active=(\d+)/.exec(out)?.[1]).to.equal('1');
          // The 64 tables are all there (1.0 lists each, 1.3 says "ditto" for a run).
          expect(out).to.match(of13 ? /tables? [\d.]*63: ditto|table 63/ : /table 63 \("table63"\)/);
        });

        if (of13) {
          it('dump-table-features describes 64 tables that add-flow then accepts', async () => {
            const out = await ok('dump-table-features');
            expect(out).to.match(/table 0 \("table0"\):\n\s+metadata: match=0xffffffffffffffff write=0xffffffffffffffff\n\s+max_entries=\d+/);
            expect(out).to.match(/next tables: 1-63/);
            expect(out).to.match(/table 63 \("table63"\)|tables? [\d.]*63: ditto/);
            await ok('add-flow', 'table=62,priority=9,tcp,tp_dst=80,actions=set_field:10.0.0.1->ip_dst,goto_table:63');
            expect((await restFlows()).map((f) => f.table)).to.deep.equal([62]);
          });
        }

        it('add-flow, dump-flows and dump-aggregate agree with the switch\'s own dump', async () => {
          await ok('add-flow', 'cookie=0x1234,priority=300,idle_timeout=50,hard_timeout=70,send_flow_rem,ip,nw_src=10.1.0.0/16,nw_dst=10.2.0.9,actions=mod_nw_tos:16,output:2');
          await ok('add-flow', 'priority=200,in_port=1,dl_src=02:00:00:00:00:01,dl_vlan=7,actions=strip_vlan,output:2');
          await ok('add-flow', 'priority=100,tcp,tp_dst=443,actions=CONTROLLER:128');
          if (of13) await ok('add-flow', 'table=1,priority=7,arp,arp_tpa=10.0.0.1,actions=write_actions(output:1),goto_table:2');
          const v = await bothViews();
          expect(v.ofctl).to.have.length(of13 ? 4 : 3);
          expect(v.ofctl).to.deep.equal(of13 ? v.rest : v.rest.map(as10));
          expect(v.rest[0]).to.equal('cookie=0x1234, table=0, n_packets=0, n_bytes=0, idle_timeout=50, hard_timeout=70, send_flow_rem priority=300,ip,nw_src=10.1.0.0/16,nw_dst=10.2.0.9 actions=set_field:4->ip_dscp,output:2');
          expect(await aggregate()).to.deep.equal({ packets: 0, bytes: 0, flows: v.rest.length });
          // A filtered dump: only the flows matching it.
          expect(await dumped('tcp')).to.deep.equal([v.ofctl[2]]);
        });

        it('add-flows of a 10 000-flow file: all installed and dumped whole; replace-flows then diff-flows; diff-flows shows a real difference', async () => {
          const tableField = of13 ? 'table=0,' : '';
          const line = (i: number, port: number): string => `${tableField}priority=${100 + (i % 7)},ip,nw_dst=10.${i >> 16}.${(i >> 8) & 255}.${i & 255},actions=output:${port}`;
          const file = join(rundir, `flows-${transport}-${version}.txt`);
          writeFileSync(file, Array.from({ length: 10_000 }, (_, i) => line(i, 2)).join('\n') + '\n');
          await ok('add-flows', file);
          expect((await aggregate()).flows).to.equal(10_000);
          const v = await bothViews();
          expect(v.ofctl).to.have.length(10_000);
          expect(new Set(v.ofctl)).to.deep.equal(new Set(v.rest));

          // The same file: nothing to change, nothing different.
          await ok('add-flow', 'priority=1,actions=drop');
          await ok('replace-flows', file);
          expect((await restFlows()).length).to.equal(10_000);
          expect(await run('diff-flows', file)).to.deep.equal({ code: 0, out: '', err: '' });

          // One flow changed on the switch and one gone: diff-flows says exactly that (and exits 2, as diff does).
          await ok('mod-flows', '--strict', 'priority=105,ip,nw_dst=10.0.0.5,actions=output:1');
          await ok('del-flows', '--strict', 'priority=100,ip,nw_dst=10.0.0.7');
          const diff = await run('diff-flows', file);
          expect(diff.code).to.equal(2);
          expect(diff.out.split('\n').filter(Boolean).sort()).to.deep.equal([
            '+priority=100,ip,nw_dst=10.0.0.7 actions=output:2',
            '+priority=105,ip,nw_dst=10.0.0.5 actions=output:2',
            '-priority=105,ip,nw_dst=10.0.0.5 actions=output:1',
          ].sort());
        });

        it('mod-flows (loose and --strict) and del-flows (plain and --strict) change exactly the flows they name', async () => {
          await ok('add-flow', 'priority=5,ip,nw_dst=10.0.0.5,actions=output:2');
          await ok('add-flow', 'priority=6,ip,nw_dst=10.0.0.5,actions=output:2');
          await ok('add-flow', 'priority=6,ip,nw_dst=10.0.0.6,actions=output:2');
          await ok('mod-flows', 'ip,nw_dst=10.0.0.5,actions=output:1');
          await ok('mod-flows', '--strict', 'priority=6,ip,nw_dst=10.0.0.6,actions=drop');
          const actions = async (): Promise<string[]> => (await dumped()).map((l) => l.replace(/^.*priority=/, 'priority='));
          expect(await actions()).to.deep.equal([
            'priority=6,ip,nw_dst=10.0.0.5 actions=output:1',
            'priority=6,ip,nw_dst=10.0.0.6 actions=drop',
            'priority=5,ip,nw_dst=10.0.0.5 actions=output:1',
          ]);
          expect((await bothViews()).rest).to.deep.equal(await dumped());
          // --strict needs the priority too: priority 5 is not priority 6.
          await ok('del-flows', '--strict', 'priority=5,ip,nw_dst=10.0.0.6');
          expect(await actions()).to.have.length(3);
          await ok('del-flows', '--strict', 'priority=6,ip,nw_dst=10.0.0.5');
          expect(await actions()).to.deep.equal(['priority=6,ip,nw_dst=10.0.0.6 actions=drop', 'priority=5,ip,nw_dst=10.0.0.5 actions=output:1']);
          // Plain del-flows takes every flow its match covers, whatever the priority.
          await ok('del-flows', 'ip,nw_dst=10.0.0.0/24');
          expect(await restFlows()).to.deep.equal([]);
        });

        it('dump-ports and the flow counters count what the ports really carried', async () => {
          await ok('add-flow', 'priority=10,in_port=1,actions=output:2');
          const before = await restPorts();
          const frames = Array.from({ length: 25 }, (_, i) => frame(mac(2), mac(1), 60 + i, i));
          sendAll(c1!, frames);
          expect(receive(c2!, 25, 5000).map((f) => f.toString('hex'))).to.deep.equal(frames.map((f) => f.toString('hex')));
          const bytes = frames.reduce((a, f) => a + f.length, 0);
          const after = await restPorts();
          expect(after[0].stats.rxPackets - before[0].stats.rxPackets).to.equal(25);
          expect(after[1].stats.txPackets - before[1].stats.txPackets).to.equal(25);
          const out = await ok('dump-ports');
          const row = (n: number): { rx: number; rxBytes: number; tx: number; txBytes: number } => {
            const m = new RegExp(`port +${n}: rx pkts=(\\d+), bytes=(\\d+)[^\\n]*\\n\\s+tx pkts=(\\d+), bytes=(\\d+)`).exec(out);
            expect(m, `port ${n} in ${out}`).to.not.equal(null);
            return { rx: Number(m![1]), rxBytes: Number(m![2]), tx: Number(m![3]), txBytes: Number(m![4]) };
          };
          for (const [i, p] of after.entries()) {
            expect(row(p.port)).to.deep.equal({ rx: p.stats.rxPackets, rxBytes: p.stats.rxBytes, tx: p.stats.txPackets, txBytes: p.stats.txBytes }, `port ${i + 1}`);
          }
          expect(await aggregate()).to.deep.equal({ packets: 25, bytes, flows: 1 });
          expect(await dumped()).to.deep.equal([`cookie=0x0, table=0, n_packets=25, n_bytes=${bytes}, priority=10,in_port=1 actions=output:2`]);
        });

        it('packet-out puts a frame on a memif port byte-exact, and through the tables with output:TABLE', async () => {
          const f = frame(mac(0x22), mac(0x11), 98, 7);
          await ok('packet-out', 'CONTROLLER', 'output:2', f.toString('hex'));
          expect(receive(c2!, 1, 3000).map((x) => x.toString('hex'))).to.deep.equal([f.toString('hex')]);
          expect(drain(c1!, 100)).to.have.length(0);
          await ok('add-flow', 'priority=10,in_port=2,actions=output:1');
          const g = frame(mac(0x11), mac(0x22), 120, 8);
          await ok('packet-out', '2', 'output:TABLE', g.toString('hex'));
          expect(receive(c1!, 1, 3000).map((x) => x.toString('hex'))).to.deep.equal([g.toString('hex')]);
          expect((await dumped())[0]).to.match(/n_packets=1, n_bytes=120,/);
        });

        if (of13) {
          it('add-group / dump-groups and add-meter / dump-meters read back what the switch holds, and a flow uses them', async () => {
            await ok('add-group', 'group_id=7,type=all,bucket=output:1,bucket=output:2');
            await ok('add-group', 'group_id=8,type=select,bucket=weight:3,output:1,bucket=weight:1,output:2');
            const groups = (await ok('dump-groups')).split('\n').slice(1).filter(Boolean).map((l) => l.trim());
            const rest = (await api.call<{ groups: { text: string }[] }>('GET', '/switches/br0/groups')).groups.map((g) => g.text.trim());
            expect(groups).to.deep.equal(['group_id=7,type=all,bucket=actions=output:1,bucket=actions=output:2', 'group_id=8,type=select,bucket=weight:3,actions=output:1,bucket=actions=output:2']);
            expect(rest).to.deep.equal(groups);
            await ok('add-meter', 'meter=3,pktps,burst,bands=type=drop,rate=100,burst_size=10');
            expect((await ok('dump-meters')).split('\n').slice(1, 3)).to.deep.equal(['meter=3 pktps burst bands=', 'type=drop rate=100 burst_size=10']);
            await ok('add-flow', 'priority=9,in_port=2,actions=meter:3,group:7');
            const f = frame(mac(0x33), mac(0x44), 80, 9);
            sendAll(c2!, [f]);
            // group 7 outputs to 1 and to 2, and 2 is the in_port: only port 1 gets it.
            expect(receive(c1!, 1, 3000).map((x) => x.toString('hex'))).to.deep.equal([f.toString('hex')]);
            const stats = await ok('dump-group-stats');
            expect(stats).to.match(/group_id=7,duration=[\d.]+s,ref_count=1,packet_count=1,byte_count=80/);
            await ok('del-meters');
          });
        } else {
          it('dump-groups (Nicira NXST_GROUP_DESC on 1.0) gets a clean BAD_VENDOR error, not a hang or a closed connection', async () => {
            const r = await run('dump-groups');
            expect(r.out + r.err).to.match(/OFPT_ERROR \(xid=0x\w+\): OFPBRC_BAD_VENDOR\nNXST_GROUP_DESC request/);
            await ok('show');
          });
        }

        it('monitor prints the packet-ins and port status the switch sends; watch: (flow monitor extension) is refused cleanly', async () => {
          const mon = spawnTracked('ovs-ofctl', [ '-O', version, 'monitor', target(), '65534'], { env: { ...process.env, OVS_RUNDIR: rundir } });
          try {
            await sleep(500);
            await ok('add-flow', 'priority=50,in_port=1,actions=CONTROLLER:65535');
            const f = frame(mac(0x55), mac(0x66), 64, 10);
            sendAll(c1!, [f]);
            await mon.waitForLine('stderr', (l) => /^OFPT_PACKET_IN .*total_len=64 in_port=1 /.test(l), { what: 'the packet-in in monitor\'s output', timeoutMs: 5000 });
            // A memif client that goes away takes its port's link down.
            c2!.close();
            await mon.waitForLine('stderr', (l) => /^OFPT_PORT_STATUS/.test(l), { what: 'the port status in monitor\'s output', timeoutMs: 5000 });
            c2 = new MemifClient({ socket: d!.socket(), id: 1 });
            await waitFor(() => c2!.connected(), { what: 'memif client 1 back' });
          } finally {
            await killTracked(mon, 'SIGTERM');
          }
          const watch = spawnTracked('ovs-ofctl', [ '-O', version, 'monitor', target(), 'watch:'], { env: { ...process.env, OVS_RUNDIR: rundir } });
          try {
            await watch.waitForLine('stdout', (l) => /^OFPT_ERROR .*OFPBRC_BAD_VENDOR/.test(l), { what: 'the refusal of the flow monitor request', timeoutMs: 5000 });
          } finally {
            await killTracked(watch, 'SIGTERM');
          }
        });
      });
    }
  }
});
