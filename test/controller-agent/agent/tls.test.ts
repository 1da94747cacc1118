// ssl: and pssl: channels are mutual TLS 1.2+ against a CA: certificates
// made by `openssl` for this test, a switch and a controller signed by the
// CA, and a rogue pair signed by another CA.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { join } from 'node:path';

import { ControllerManager } from '../../../controller-agent/src/agent/controller-manager';
import { decodeMessage, encodeMessage, Framer } from '../../../controller-agent/src/openflow';
import { makeTempDir, makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { waitFor } from '../../support/wait';
import { captureLog, FakeHandler, startRig, type Rig } from './session-rig';

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

// A CA and, for each name, a key and a certificate it signs (EC P-256: fast to make).
function makePki(dir: string, ca: string, names: string[]): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, 'req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}`);
  for (const n of names) {
    openssl(dir, 'req', ...ec, '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${n}`);
    openssl(dir, 'x509', '-req', '-in', `${n}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${n}.crt`, '-days', '2');
  }
}

describe('agent channels: mutual TLS (pssl: and ssl:)', function () {
  this.timeout(20_000);
  let pki: string;
  const file = (n: string): string => join(pki, n);
  const pem = (n: string): Buffer => readFileSync(file(n));

  before(() => {
    pki = makeTempDir('msw-pki-');
    makePki(pki, 'ca', ['switch', 'controller']);
    makePki(pki, 'rogue-ca', ['rogue']);
  });
  after(() => removeTempDir(pki));

  describe('pssl: listener', () => {
    let rig: Rig;
    beforeEach(async () => {
      rig = await startRig({ listeners: ['pssl:0:127.0.0.1'], tls: { key: file('switch.key'), cert: file('switch.crt'), ca: file('ca.crt') } });
    });
    afterEach(async () => rig.close());

    // Connects with 'opts'; resolves with the first OpenFlow message or the reason the connection ended without one.
    function tryConnect(opts: tls.ConnectionOptions): Promise<{ hello?: Buffer; protocol?: string | null; error?: string }> {
      return new Promise((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port: rig.port, ca: pem('ca.crt'), checkServerIdentity: () => undefined, ...opts });
        const framer = new Framer();
        s.on('data', (c: Buffer) => {
          const f = framer.push(c)[0];
          if (f?.kind === 'message') {
            const protocol = s.getProtocol();
            s.write(encodeMessage({ version: 4, xid: 1, type: 'OFPT_HELLO' }));
            setTimeout(() => s.destroy(), 50);
            resolve({ hello: f.bytes, protocol });
          }
        });
        s.on('error', (e) => resolve({ error: e.message }));
        s.on('close', () => resolve({ error: 'closed' }));
      });
    }

    it('accepts a controller whose certificate the CA signed, over TLS 1.2 or later', async () => {
      const r = await tryConnect({ key: pem('controller.key'), cert: pem('controller.crt') });
      expect(r.error).to.equal(undefined);
      expect(decodeMessage(r.hello as Buffer)).to.include({ type: 'OFPT_HELLO', version: 4 });
      expect(r.protocol).to.be.oneOf(['TLSv1.2', 'TLSv1.3']);
      await waitFor(() => rig.records.some((x) => x.event === 'openflow_negotiated'), { what: 'negotiation over TLS' });
      expect(rig.handler.connectedCounts[0]).to.equal(1);
    });

    const refused: [string, () => tls.ConnectionOptions][] = [
      ['a client without a certificate', () => ({})],
      ['a certificate from another CA', () => ({ key: pem('rogue.key'), cert: pem('rogue.crt') })],
      ['TLS 1.1', () => ({ key: pem('controller.key'), cert: pem('controller.crt'), maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' })],
    ];
    for (const [what, opts] of refused) {
      it(`refuses ${what}: no session, the reason logged`, async () => {
        const r = await tryConnect(opts());
        expect(r.hello).to.equal(undefined);
        expect(r.error).to.be.a('string');
        await waitFor(() => rig.records.find((x) => x.event === 'openflow_tls_refused'), { what: 'the refusal in the log' });
        expect(rig.manager.status().sessions).to.have.length(0);
        expect(rig.handler.connectedCounts).to.deep.equal([]);
      });
    }
  });

  describe('ssl: target', () => {
    let manager: ControllerManager | undefined;
    let server: tls.Server | undefined;
    let rundir: string | undefined;
    afterEach(async () => {
      await manager?.stop();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      removeTempDir(rundir);
      manager = server = rundir = undefined;
    });

    // A TLS controller requiring a client certificate from the CA; resolves each peer's CN and first message.
    async function controller(cert: string): Promise<{ port: number; peers: { cn: string; first: Buffer }[] }> {
      const peers: { cn: string; first: Buffer }[] = [];
      server = tls.createServer({ key: pem(`${cert}.key`), cert: pem(`${cert}.crt`), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true }, (s) => {
        s.once('data', (c: Buffer) => peers.push({ cn: String(s.getPeerCertificate().subject.CN), first: c }));
        s.on('error', () => undefined);
      });
      await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
      return { port: (server.address() as { port: number }).port, peers };
    }

    function start(port: number): ReturnType<typeof captureLog> {
      rundir = makeTempRunDir();
      const cap = captureLog();
      manager = new ControllerManager({
        bridge: 'br0', rundir, handler: new FakeHandler(), log: cap.log, targets: [`ssl:127.0.0.1:${port}`], listeners: [], protocols: [4],
        noMgmtSocket: true, minBackoffMs: 50, maxBackoffMs: 100, tls: { key: file('switch.key'), cert: file('switch.crt'), ca: file('ca.crt') },
      });
      return cap;
    }

    it('connects presenting the switch certificate and sends its HELLO', async () => {
      const ctl = await controller('controller');
      start(ctl.port);
      await manager?.start();
      const peer = await waitFor(() => ctl.peers[0], { what: 'the switch over TLS' });
      expect(peer.cn).to.equal('switch');
      expect(decodeMessage(peer.first)).to.include({ type: 'OFPT_HELLO', version: 4 });
    });

    it('refuses a controller whose certificate another CA signed, and keeps retrying', async () => {
      const ctl = await controller('rogue');
      const { records } = start(ctl.port);
      await manager?.start();
      await waitFor(() => (manager?.status().targets[0].attempts ?? 0) >= 3, { what: 'three attempts' });
      expect(ctl.peers).to.have.length(0);
      expect(manager?.status().targets[0].lastError).to.match(/connection failed: .*(certificate|self.signed|issuer)/i);
      expect(records.some((r) => r.event === 'openflow_reconnect')).to.equal(true);
    });
  });
});
