// The configuration file validated by the REST API's JSON Schemas
// (controller-agent/src/config-schema.ts, openapi/config-file.schema.yaml):
// the limits come from openapi.yaml itself, every refusal names the key,
// and YAML files read the same as JSON ones.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

import { loadSpec } from '../../controller-agent/src/api/spec';
import { ConfigError } from '../../controller-agent/src/config-check';
import { parseConfigDocument, readConfigFile } from '../../controller-agent/src/config-file';
import { configSchemaPath, keyOf } from '../../controller-agent/src/config-schema';
import { makeTempDir, removeTempDir } from '../support/tmp-dir';

function refusal(doc: unknown): ConfigError {
  try {
    parseConfigDocument(doc);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(doc)}`);
}

const sw = (extra: Record<string, unknown>): unknown => ({ switches: [{ name: 'br0', ...extra }] });

describe('config file schema (the API\'s JSON Schemas)', () => {
  const schemas = loadSpec().components.schemas as Record<string, { properties: Record<string, { minimum?: number; maximum?: number }> }>;

  it('points every API-valued key at a schema that openapi.yaml defines', () => {
    const text = readFileSync(configSchemaPath(), 'utf8');
    const refs = [...text.matchAll(/\$ref: 'openapi\.yaml#\/([^']+)'/g)].map((m) => m[1]);
    expect(refs.length).to.be.greaterThan(10);
    const api = parse(readFileSync(join(configSchemaPath(), '..', 'openapi.yaml'), 'utf8')) as Record<string, unknown>;
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], api);
      expect(target, ref).to.be.an('object');
    }
  });

  // Each bound is read from the API's schema: the file follows the spec.
  const bounds: [string, (v: number) => unknown, number | undefined, number | undefined][] = [
    ['switches[0].workers', (v) => sw({ workers: v }), schemas.SwitchCreate.properties.workers.minimum, schemas.SwitchCreate.properties.workers.maximum],
    ['switches[0].batchSize', (v) => sw({ batchSize: v }), schemas.SwitchCreate.properties.batchSize.minimum, schemas.SwitchCreate.properties.batchSize.maximum],
    ['switches[0].ports[0].mtu', (v) => sw({ ports: [{ type: 'tap', mtu: v }] }), schemas.PortCreate.properties.mtu.minimum, schemas.PortCreate.properties.mtu.maximum],
    ['switches[0].memif.interfaces[0].port', (v) => sw({ memif: { interfaces: [{ id: 0, port: v }] } }), schemas.PortCreate.properties.port.minimum, schemas.PortCreate.properties.port.maximum],
    ['switches[0].memif.interfaces[0].id', (v) => sw({ memif: { interfaces: [{ id: v }] } }), schemas.PortCreate.properties.id.minimum, schemas.PortCreate.properties.id.maximum],
  ];
  for (const [key, doc, min, max] of bounds) {
    it(`takes ${key} in the API's range ${min}..${max} and refuses either side of it, naming the key`, () => {
      expect(min).to.be.a('number');
      expect(max).to.be.a('number');
      expect(() => parseConfigDocument(doc(min!))).to.not.throw();
      expect(() => parseConfigDocument(doc(max!))).to.not.throw();
      for (const bad of [min! - 1, max! + 1]) {
        const e = refusal(doc(bad));
        expect(e.key).to.equal(key);
        expect(e.detail).to.equal(`must be an integer in ${min}..${max}, got ${bad}`);
      }
    });
  }

  const bad: [unknown, string, string | RegExp][] = [
    [sw({ ports: [{ ifname: 'veth0' }, { ifname: 'veth1', type: 'tap', mac: '02:00:00:00:00' }] }), 'switches[0].ports[1].mac', 'must be a MAC address aa:bb:cc:dd:ee:ff, got "02:00:00:00:00"'],
    [sw({ ports: [{ ifname: 'a/b' }] }), 'switches[0].ports[0].ifname', /an interface name/],
    [sw({ ports: [{ ifname: 'veth0', type: 'memif' }] }), 'switches[0].ports[0].type', 'must be one of afxdp, afpacket, tap, got "memif"'],
    [sw({ ports: [{ ifname: 'veth0', id: 3 }] }), 'switches[0].ports[0].id', /^unknown key \(allowed here: ifname, type, name, port, worker, mac, mtu, up\)$/],
    [sw({ ports: [{ ifname: 'veth0', mtu: 1500 }] }), 'switches[0].ports[0].mtu', 'is an option of a tap port only'],
    [sw({ logic: 'no such' }), 'switches[0].logic', /a logic name/],
    [sw({ flowRestore: 'yes' }), 'switches[0].flowRestore', 'must be true or false, got "yes"'],
    [sw({ controllers: ['tcp:1.2.3.4:6653', 'http://x'] }), 'switches[0].controllers[1]', /must match/],
    [sw({ failMode: 'open' }), 'switches[0].failMode', 'must be one of standalone, secure, got "open"'],
    [sw({ protocols: [] }), 'switches[0].protocols', 'must list at least 1'],
    [sw({ memif: { interfaces: [{ id: 1, secret: 'way too long for a memif secret' }] } }), 'switches[0].memif.interfaces[0].secret', /1\.\.24 printable ASCII/],
    [{ api: { listen: '127.0.0.1:1', tokn: 'x' } }, 'api.tokn', /unknown key \(allowed here: listen, token\)/],
    [{ switches: 'br0' }, 'switches', 'must be an array, got "br0"'],
  ];
  for (const [doc, key, detail] of bad) {
    it(`refuses ${JSON.stringify(doc).slice(0, 80)} naming ${key}`, () => {
      const e = refusal(doc);
      expect(e.key).to.equal(key);
      if (typeof detail === 'string') expect(e.detail).to.equal(detail);
      else expect(e.detail).to.match(detail);
    });
  }

  it('names keys as paths from the top', () => {
    expect(keyOf('/switches/0/memif/interfaces/2', 'id')).to.equal('switches[0].memif.interfaces[2].id');
    expect(keyOf('', 'rundir')).to.equal('rundir');
  });

  describe('files', () => {
    let dir: string | undefined;
    beforeEach(() => { dir = makeTempDir(); });
    afterEach(() => removeTempDir(dir));

    const doc = {
      rundir: '/run/x',
      switches: [{ name: 'br0', logic: 'openflow', flowRestore: false, controllers: ['tcp:127.0.0.1:6653'], ports: [{ type: 'tap', mtu: 9000 }], memif: { interfaces: [{ id: 1, port: 3 }] } }],
    };

    it('read YAML (.yaml, .yml) exactly as the same document in JSON', () => {
      const json = join(dir!, 'c.json');
      writeFileSync(json, JSON.stringify(doc));
      const yaml = join(dir!, 'c.yaml');
      writeFileSync(yaml, [
        'rundir: /run/x',
        'switches:',
        '  - name: br0',
        '    logic: openflow',
        '    flowRestore: false',
        '    controllers: ["tcp:127.0.0.1:6653"]',
        '    ports:',
        '      - { type: tap, mtu: 9000 }',
        '    memif:',
        '      interfaces:',
        '        - id: 1',
        '          port: 3',
      ].join('\n'));
      const yml = join(dir!, 'c.yml');
      writeFileSync(yml, readFileSync(yaml));
      expect(readConfigFile(yaml)).to.deep.equal(readConfigFile(json));
      expect(readConfigFile(yml)).to.deep.equal(readConfigFile(json));
      expect(readConfigFile(yaml).switches![0].flowRestore).to.equal(false);
    });

    it('name the YAML file and the key of a refused value, and the line of a syntax error', () => {
      const path = join(dir!, 'bad.yaml');
      writeFileSync(path, 'switches:\n  - name: br0\n    workers: "4"\n');
      expect(() => readConfigFile(path)).to.throw(ConfigError, `${path}: switches[0].workers: must be an integer in 1..16, got "4"`);
      writeFileSync(path, 'switches:\n  - name: br0\n   workers: 4\n');
      expect(() => readConfigFile(path)).to.throw(ConfigError, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\(file\\): not valid YAML: .*line 3`, 's'));
    });
  });
});
