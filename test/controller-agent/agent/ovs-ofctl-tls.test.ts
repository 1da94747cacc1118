// TLS in the daemon: a switch's `tls` { key, cert, ca } config key, checked
// with errors that name the key, and real `ovs-ofctl` connecting over
// `ssl:` to the daemon's `pssl:` listener with --private-key,
// --certificate and --ca-cert (certificates made by openssl for the test;
// a client certificate from another CA is refused).
import { expect } from 'chai';
import { execFile, execFileSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { buildConfig } from '../../../controller-agent/src/config';
import { parseConfigDocument } from '../../../controller-agent/src/config-file';
import { startDaemon } from '../../support/daemon-process';
import type { DaemonProcess } from '../../support/daemon-process';
import { killTracked } from '../../support/processes';
import { makeTempDir, makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { freePort, installed } from './peers';

// A CA and, for each name, a key and a certificate it signs (EC P-256: fast to make).
function makePki(dir: string, ca: string, names: string[]): void {
  const openssl = (...args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] }); };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}`);
  for (const n of names) {
    openssl('req', ...ec, '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${n}`);
    openssl('x509', '-req', '-in', `${n}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${n}.crt`, '-days', '2');
  }
}

describe('agent: TLS from the daemon\'s configuration', function () {
  this.timeout(60_000);
  let pki: string;
  const file = (n: string): string => join(pki, n);

  before(function () {
    if (!installed('openssl')) this.skip();
    pki = makeTempDir('msw-pki-');
    makePki(pki, 'ca', ['switch', 'controller']);
    makePki(pki, 'rogue-ca', ['rogue']);
  });
  after(() => removeTempDir(pki));

  describe('the tls config key', () => {
    const build = (sw: Record<string, unknown>, overrides = {}) =>
      buildConfig({ file: parseConfigDocument({ switches: [{ name: 'br0', ...sw }] }), overrides, env: {} });
    const tls = () => ({ key: file('switch.key'), cert: file('switch.crt'), ca: file('ca.crt') });

    it('passes the three files to the switch\'s OpenFlow configuration', () => {
      const c = build({ listeners: ['pssl:6653'], tls: tls() });
      expect(c.switches[0].openflow?.tls).to.deep.equal(tls());
    });

    it('refuses ssl:/pssl: without tls, naming the key or the flag', () => {
      expect(() => build({ controllers: ['ssl:127.0.0.1:6653'] })).to.throw(/switches\[0\]\.tls: is required by ssl:127\.0\.0\.1:6653/);
      expect(() => build({ listeners: ['pssl:6653'] })).to.throw(/switches\[0\]\.tls: is required by pssl:6653/);
      expect(() => build({}, { openflow: { listeners: ['pssl:6653'] } })).to.throw(/--listen: pssl:6653 needs the switch's "tls"/);
      expect(() => build({}, { openflow: { controllers: ['ssl:10.0.0.1:6653'] } })).to.throw(/--controller: ssl:10\.0\.0\.1:6653 needs/);
    });

    it('refuses a missing member, an unknown one and a file that cannot be read, naming each', () => {
      const { key, cert } = tls();
      expect(() => build({ tls: { key, cert } })).to.throw(/switches\[0\]\.tls\.ca: is required: the path of the CA certificate PEM file/);
      expect(() => build({ tls: { ...tls(), pass: 'x' } })).to.throw(/switches\[0\]\.tls\.pass: unknown key/);
      expect(() => build({ tls: { ...tls(), cert: file('nope.crt') } })).to.throw(/switches\[0\]\.tls\.cert: cannot read the certificate .*nope\.crt: ENOENT/);
      expect(() => build({ tls: { ...tls(), key: 7 } })).to.throw(/switches\[0\]\.tls\.key:/);
    });
  });

  describe('ovs-ofctl over ssl: to the daemon\'s pssl: listener', () => {
    let rundir: string;
    let port: number;
    let d: DaemonProcess | undefined;

    before(async function () {
      if (!installed('ovs-ofctl')) this.skip();
      rundir = makeTempRunDir();
      port = await freePort();
      const config = join(rundir, 'mswitch.json');
      writeFileSync(config, JSON.stringify({
        switches: [{
          name: 'br0', logic: 'openflow', failMode: 'secure', memif: { interfaces: [{ id: 0 }, { id: 1 }] },
          listeners: [`pssl:${port}:127.0.0.1`], tls: { key: file('switch.key'), cert: file('switch.crt'), ca: file('ca.crt') },
        }],
      }));
      d = await startDaemon({ rundir, args: ['--config', config] });
    });
    after(async () => {
      if (d) await killTracked(d.proc, 'SIGTERM');
      removeTempDir(rundir);
    });

    const ofctl = (who: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> => new Promise((resolve) => {
      execFile('ovs-ofctl', ['--timeout=10', `--private-key=${file(`${who}.key`)}`, `--certificate=${file(`${who}.crt`)}`, `--ca-cert=${file('ca.crt')}`, ...args],
        { encoding: 'utf8' }, (e, out, err) => resolve({ code: e ? Number(e.code ?? 1) : 0, out, err }));
    });

    it('show, add-flow and dump-flows work with a certificate the CA signed', async () => {
      const target = `ssl:127.0.0.1:${port}`;
      const show = await ofctl('controller', '-O', 'OpenFlow13', 'show', target);
      expect(show.code, show.err).to.equal(0);
      expect(show.out).to.match(/^OFPT_FEATURES_REPLY \(OF1\.3\)/).and.match(/ 1\(memif0\): addr:/).and.match(/ 2\(memif1\): addr:/);
      const add = await ofctl('controller', '-O', 'OpenFlow13', 'add-flow', target, 'priority=9,in_port=1,actions=output:2');
      expect(add.code, add.err).to.equal(0);
      const dump = await ofctl('controller', '-O', 'OpenFlow10', 'dump-flows', target);
      expect(dump.code, dump.err).to.equal(0);
      expect(dump.out).to.match(/ cookie=0x0, duration=[\d.]+s, table=0, n_packets=0, n_bytes=0, priority=9,in_port=1 actions=output:2\n/);
      expect(d!.logs().some((l) => /negotiat/i.test(l.msg))).to.equal(true);
    });

    it('refuses a client certificate from another CA', async () => {
      const r = await new Promise<{ code: number; err: string }>((resolve) => {
        execFile('ovs-ofctl', ['--timeout=5', `--private-key=${file('rogue.key')}`, `--certificate=${file('rogue.crt')}`, `--ca-cert=${file('ca.crt')}`, '-O', 'OpenFlow13', 'show', `ssl:127.0.0.1:${port}`],
          { encoding: 'utf8' }, (e, _out, err) => resolve({ code: e ? Number(e.code ?? 1) : 0, err }));
      });
      expect(r.code).to.not.equal(0);
      expect(r.err).to.match(/ssl:127\.0\.0\.1:\d+: (connection failed|receive failed|failed to connect|.*(Protocol error|Connection reset|End of file))/i);
    });
  });
});
