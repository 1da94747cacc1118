// The Linux ports of a switch in the configuration file (switches[i].ports:
// afxdp, afpacket, tap) and add-port's key=value words for them: what is
// accepted, what it becomes, and that every refusal names the key at fault.
import { expect } from 'chai';

import { parsePortArgs } from '../../controller-agent/src/cli/verbs';
import { buildConfig } from '../../controller-agent/src/config';
import { ConfigError } from '../../controller-agent/src/config-check';
import { parseConfigDocument } from '../../controller-agent/src/config-file';

const fromDoc = (doc: unknown) => buildConfig({ file: parseConfigDocument(doc), env: {} });

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as ConfigError).key;
  }
  throw new Error('expected a ConfigError');
}

describe('config: Linux ports', () => {
  it('keeps the listed ports in order, tap options on the tap only', () => {
    const cfg = fromDoc({
      switches: [{
        name: 'edge0',
        workers: 2,
        ports: [
          { ifname: 'veth0' },
          { ifname: 'veth1', type: 'afpacket', port: 7, worker: 1, name: 'uplink' },
          { type: 'tap', mac: '02:00:00:00:00:01', mtu: 9000, up: false },
        ],
      }],
    });
    expect(cfg.switches[0].ports).to.deep.equal([
      { ifname: 'veth0' },
      { ifname: 'veth1', type: 'afpacket', port: 7, worker: 1, name: 'uplink' },
      { type: 'tap', mac: '02:00:00:00:00:01', mtu: 9000, up: false },
    ]);
  });

  it('defaults to no Linux ports', () => {
    expect(fromDoc({ switches: [{ name: 'br0' }] }).switches[0].ports).to.deep.equal([]);
  });

  const bad: [unknown, string][] = [
    [{ ports: [{ type: 'afpacket' }] }, 'switches[0].ports[0].ifname'],
    [{ ports: [{}] }, 'switches[0].ports[0].ifname'],
    [{ ports: [{ ifname: 'veth0', type: 'vhost' }] }, 'switches[0].ports[0].type'],
    [{ ports: [{ ifname: 'a/b' }] }, 'switches[0].ports[0].ifname'],
    [{ ports: [{ ifname: 'x'.repeat(16) }] }, 'switches[0].ports[0].ifname'],
    [{ ports: [{ ifname: 'veth0', mtu: 9000 }] }, 'switches[0].ports[0].mtu'],
    [{ ports: [{ type: 'tap', mtu: 67 }] }, 'switches[0].ports[0].mtu'],
    [{ ports: [{ type: 'tap', mac: '02:00:00:00:00' }] }, 'switches[0].ports[0].mac'],
    [{ ports: [{ ifname: 'veth0', speed: 10 }] }, 'switches[0].ports[0].speed'],
    [{ ports: [{ ifname: 'veth0' }, { ifname: 'veth0' }] }, 'switches[0].ports[1].name'],
    [{ ports: [{ ifname: 'veth0', port: 3 }, { ifname: 'veth1', port: 3 }] }, 'switches[0].ports[1].port'],
    [{ ports: [{ ifname: 'veth0', worker: 1 }] }, 'switches[0].ports[0].worker'],
    [{ ports: [{ ifname: 'veth0', port: 2 }], memif: { interfaces: [{ id: 0, port: 2 }] } }, 'switches[0].memif.interfaces[0].port'],
  ];
  for (const [sw, key] of bad) {
    it(`refuses ${JSON.stringify(sw).slice(0, 80)} naming ${key}`, () => {
      expect(keyOf(() => fromDoc({ switches: [{ name: 'br0', ...(sw as object) }] }))).to.equal(key);
    });
  }
});

describe('add-port words for Linux ports', () => {
  it('an interface with its type detected by the daemon', () => {
    expect(parsePortArgs('veth0', [])).to.deep.equal({ ifname: 'veth0' });
  });

  it('a forced type and the common options', () => {
    expect(parsePortArgs('veth0', ['type=afpacket', 'port=4', 'worker=1', 'name=up0']))
      .to.deep.equal({ ifname: 'veth0', type: 'afpacket', port: 4, worker: 1, name: 'up0' });
  });

  it('a TAP with its MAC, MTU and state', () => {
    expect(parsePortArgs('br0', ['type=tap', 'mac=02:00:00:00:00:09', 'mtu=9000', 'up=false']))
      .to.deep.equal({ ifname: 'br0', type: 'tap', mac: '02:00:00:00:00:09', mtu: 9000, up: false });
  });

  it('a memif port named by the positional word', () => {
    expect(parsePortArgs('vm1', ['type=memif', 'id=3'])).to.deep.equal({ type: 'memif', id: 3, name: 'vm1' });
  });

  for (const words of [['type=vhost'], ['id=3'], ['mtu=big'], ['up=yes'], ['colour=red'], ['novalue']]) {
    it(`refuses ${words.join(' ')}`, () => {
      expect(() => parsePortArgs('veth0', words)).to.throw(/type|memif|integer|true or false|unknown key|key=value/);
    });
  }
});
