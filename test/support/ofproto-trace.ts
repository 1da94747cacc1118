// Reading `ovs-appctl ofproto/trace` output (Open vSwitch 3.1).
//
// What?
//   For `ofproto/trace br0 in_port=P HEX` OVS prints the packet's flow, the
//   OpenFlow pipeline step by step (" 0. ip,in_port=1, priority 10" then
//   the rule's actions indented beneath it), "Final flow:", "Megaflow:" and
//   the one line that says what the datapath will do:
//
//     Datapath actions: set(ipv4(dst=10.0.0.9,ttl=63)),1,push_vlan(vid=100,pcp=0),2,
//       userspace(pid=0,controller(reason=1,...,rule_cookie=0,...,max_len=100))
//
//   Bare numbers there are *datapath* port numbers, not OpenFlow ones;
//   `dpif/show` ("p1 1/3: (dummy)": OpenFlow port 1 is datapath port 3)
//   maps them back.
//
// Design
//   The differential test takes OVS's frames from its real forwarding
//   (ovs-peer.ts); the trace is the explanation printed beside a mismatch,
//   and a consistency check of the harness: how many frames each port sent
//   and how many packet-ins came must be what the trace's datapath actions
//   say, or the observation itself is broken.
export interface TraceSummary {
  flow: string;                     // the "Flow:" line's value
  tables: number[];                 // the OpenFlow tables visited, in order
  finalFlow: string;
  datapathActions: string;          // the raw action list
  outputs: Map<number, number>;     // OpenFlow port -> frames sent
  packetIns: { reason: number; cookie: bigint; maxLen: number }[];
}

// Splits 'list' at commas that are not inside parentheses.
export function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = list.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

// `dpif/show` output -> datapath port number -> OpenFlow port number.
export function parseDpifShow(text: string): Map<number, number> {
  const map = new Map<number, number>();
  for (const m of text.matchAll(/^\s+\S+ (\d+)\/(\d+):/gm)) map.set(Number(m[2]), Number(m[1]));
  return map;
}

// Value of 'key=' inside a datapath action's argument text.
function argOf(text: string, key: string): string | undefined {
  return new RegExp(`(?:^|[(,])${key}=([^,)]+)`).exec(text)?.[1];
}

export function parseTrace(text: string, dpToOf: Map<number, number>): TraceSummary {
  const line = (prefix: string): string => {
    const l = text.split('\n').find((x) => x.startsWith(prefix));
    if (l === undefined) throw new Error(`ofproto/trace output has no "${prefix}" line:\n${text}`);
    return l.slice(prefix.length).trim();
  };
  const tables = [...text.matchAll(/^\s*(\d+)\. /gm)].map((m) => Number(m[1]));
  const datapathActions = line('Datapath actions:');
  const outputs = new Map<number, number>();
  const packetIns: TraceSummary['packetIns'] = [];
  const walk = (actions: string): void => {
    for (const a of splitTopLevel(actions)) {
      if (/^\d+$/.test(a)) {
        const dp = Number(a);
        const of = dpToOf.get(dp);
        if (of === undefined) throw new Error(`datapath port ${dp} is not in dpif/show (${[...dpToOf].join(' ')})`);
        outputs.set(of, (outputs.get(of) ?? 0) + 1);
      } else if (a.startsWith('userspace(') && a.includes('controller(')) {
        packetIns.push({
          reason: Number(argOf(a, 'reason') ?? NaN),
          cookie: BigInt(argOf(a, 'rule_cookie') ?? '0'),
          maxLen: Number(argOf(a, 'max_len') ?? NaN),
        });
      } else if (a.startsWith('clone(')) {
        walk(a.slice('clone('.length, -1));
      }
    }
  };
  if (datapathActions !== 'drop') walk(datapathActions);
  return { flow: line('Flow:'), tables, finalFlow: line('Final flow:'), datapathActions, outputs, packetIns };
}
