// docker/ without a Docker engine: the compose file as Debian's
// docker-compose reads it, the Prometheus config as promtool reads it, the
// controller image's app as Debian's os-ken has it, the Dockerfile's
// runtime stage against what the build produces, and the image's entry
// point and health check run as plain scripts against a real daemon that
// is started with the compose file's own command line.  A check whose
// tool is missing is pending, never passed.
import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { createServer as createHttpServer } from 'http';
import type { ServerResponse } from 'http';
import { createServer } from 'net';
import type { Server, Socket } from 'net';
import { join } from 'path';

import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';

import { packageVersion } from '../../../controller-agent/src/version';
import { addonBuilt, mswitchBin, repoRoot } from '../../support/paths';
import { killTracked, spawnTracked } from '../../support/processes';
import type { TrackedProcess } from '../../support/processes';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';
import { waitFor, waitForNoPath } from '../../support/wait';

const root = repoRoot();
const dockerDir = join(root, 'docker');
const entrypoint = join(dockerDir, 'entrypoint.sh');
const healthcheck = join(dockerDir, 'healthcheck.js');

const have = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

interface Run { status: number | null; stdout: string; stderr: string }
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Run => {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

interface ComposeService {
  command?: string[];
  user?: string;
  cap_add?: string[];
  cap_drop?: string[];
  build?: { context: string; dockerfile?: string };
  volumes?: string[];
  expose?: string[];
}

// The compose file as docker-compose resolves it (paths made absolute).
function composeConfig(): { services: Record<string, ComposeService> } {
  const r = run('docker-compose', ['-f', join(dockerDir, 'compose.yml'), 'config']);
  expect(r.status, r.stderr).to.equal(0);
  return parseYaml(r.stdout) as { services: Record<string, ComposeService> };
}

// The Dockerfile's instructions, continuation lines joined, comments out.
function dockerfile(path = join(dockerDir, 'Dockerfile')): string[] {
  return readFileSync(path, 'utf8').replace(/\\\n/g, ' ').split('\n')
    .map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

// The instructions of the stage 'name' (FROM ... AS name up to the next FROM).
function stage(lines: string[], name: string): string[] {
  const start = lines.findIndex((l) => new RegExp(`^FROM \\S+ AS ${name}$`, 'i').test(l));
  expect(start, `stage ${name}`).to.be.at.least(0);
  const next = lines.findIndex((l, i) => i > start && /^FROM /i.test(l));
  return lines.slice(start, next < 0 ? undefined : next);
}

const execForm = (line: string, keyword: string): string[] => JSON.parse(line.slice(line.indexOf(keyword) + keyword.length).trim()) as string[];

describe('docker: compose, images and container scripts', function () {
  this.timeout(60_000);

  describe('compose.yml', function () {
    before(function () {
      if (!have('docker-compose')) this.skip();
    });

    it('passes docker-compose config -q with nothing to say', () => {
      const r = run('docker-compose', ['-f', join(dockerDir, 'compose.yml'), 'config', '-q']);
      expect(r, 'docker-compose config -q').to.deep.equal({ status: 0, stdout: '', stderr: '' });
    });

    it('fails docker-compose config -q on a broken copy (the check reads the file)', () => {
      const dir = makeTempDir('msw-compose-');
      try {
        const text = readFileSync(join(dockerDir, 'compose.yml'), 'utf8').replace('cap_drop: [ALL]', 'cap_drop: ALL-OF-THEM: [x]');
        writeFileSync(join(dir, 'compose.yml'), text);
        expect(run('docker-compose', ['-f', join(dir, 'compose.yml'), 'config', '-q']).status).to.not.equal(0);
      } finally {
        removeTempDir(dir);
      }
    });

    it('runs the switch with NET_ADMIN and NET_RAW only, connected to the os-ken service, scraped by Prometheus', () => {
      const { services } = composeConfig();
      expect(Object.keys(services).sort()).to.deep.equal(['controller', 'mswitch', 'prometheus']);
      const sw = services.mswitch;
      expect(sw.cap_drop).to.deep.equal(['ALL']);
      expect([...(sw.cap_add ?? [])].sort()).to.deep.equal(['NET_ADMIN', 'NET_RAW']);
      expect(sw.user, 'root uid for the capabilities, the mswitch group for the volumes').to.equal('0:10001');
      expect(sw.build?.dockerfile).to.equal('docker/Dockerfile');
      expect(sw.build?.context).to.equal(root);
      expect(sw.volumes).to.include.members(['mswitch-run:/run/mswitch:rw', 'mswitch-state:/var/lib/mswitch:rw']);
      expect(sw.command).to.include('--controller=tcp:controller:6653');
      expect(services.controller.build).to.deep.equal({ context: root, dockerfile: 'docker/os-ken/Dockerfile' });

      // Prometheus scrapes the address the switch's API listens on.
      const listen = sw.command!.find((a) => a.startsWith('--api-listen='))!.split('=')[1];
      const port = listen.split(':').pop();
      expect(listen.startsWith('0.0.0.0:'), 'reachable from the prometheus container').to.equal(true);
      expect(sw.expose).to.deep.equal([port]);
      const prom = parseYaml(readFileSync(join(dockerDir, 'prometheus.yml'), 'utf8')) as {
        scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
      };
      expect(prom.scrape_configs).to.have.length(1);
      expect(prom.scrape_configs[0].metrics_path).to.equal('/metrics');
      expect(prom.scrape_configs[0].static_configs[0].targets).to.deep.equal([`mswitch:${port}`]);
    });
  });

  it('has a Prometheus configuration promtool accepts', function () {
    if (!have('promtool')) this.skip();
    const r = run('promtool', ['check', 'config', join(dockerDir, 'prometheus.yml')]);
    expect(r.status, `${r.stdout}${r.stderr}`).to.equal(0);
    expect(r.stdout).to.match(/SUCCESS/);
  });

  it('runs on os-ken a learning-switch app that Debian\'s python3-os-ken loads', function () {
    if (!have('osken-manager')) this.skip();
    const lines = dockerfile(join(dockerDir, 'os-ken', 'Dockerfile'));
    expect(lines[0]).to.equal('FROM debian:bookworm-slim');
    expect(lines.some((l) => /apt-get install .*python3-os-ken/.test(l))).to.equal(true);
    const entry = execForm(lines.find((l) => l.startsWith('ENTRYPOINT'))!, 'ENTRYPOINT');
    const app = execForm(lines.find((l) => l.startsWith('CMD'))!, 'CMD');
    expect(entry).to.deep.equal(['osken-manager', '--ofp-tcp-listen-port', '6653']);
    // The app the image runs is the file it copies from the repository.
    const copy = lines.find((l) => l.startsWith('COPY '))!.split(/\s+/);
    expect(app).to.deep.equal([`${copy[2]}${copy[1].split('/').pop()}`]);
    const source = join(root, copy[1]);
    const ignore = readFileSync(join(dockerDir, 'os-ken', 'Dockerfile.dockerignore'), 'utf8');
    expect(ignore).to.include(`!${copy[1]}`);
    // The interpreter osken-manager runs on (Debian's, not a python3 earlier on the PATH).
    const manager = run('sh', ['-c', 'command -v osken-manager']).stdout.trim();
    const python = /^#!\s*(\S+)/.exec(readFileSync(manager, 'utf8'))![1];
    const probe = [
      'import importlib.util, sys',
      'from os_ken.base.app_manager import OSKenApp',
      `spec = importlib.util.spec_from_file_location("app", ${JSON.stringify(source)})`,
      'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
      'print(sorted(n for n, v in vars(m).items() if isinstance(v, type) and issubclass(v, OSKenApp) and v is not OSKenApp))',
    ].join('\n');
    const r = run(python, ['-c', probe]);
    expect(r.stdout.trim(), r.stderr).to.equal("['LearningSwitch13']");
  });

  describe('Dockerfile', function () {
    const lines = dockerfile();

    it('builds on node:20-bookworm and runs on the slim image as the mswitch user', () => {
      expect(lines.filter((l) => /^FROM /i.test(l))).to.deep.equal(['FROM node:20-bookworm AS build', 'FROM node:20-bookworm-slim AS runtime']);
      const runtime = stage(lines, 'runtime');
      expect(runtime.filter((l) => l.startsWith('USER '))).to.deep.equal(['USER mswitch']);
      expect(runtime.some((l) => /useradd .*--uid 10001 --gid mswitch/.test(l))).to.equal(true);
      expect(runtime.some((l) => /install -d -o mswitch -g mswitch -m 0770 \/run\/mswitch \/var\/lib\/mswitch/.test(l))).to.equal(true);
    });

    it('copies into the runtime only paths the build produces', function () {
      if (!addonBuilt() || !existsSync(join(root, 'dist'))) this.skip();
      const copies = stage(lines, 'runtime').filter((l) => l.startsWith('COPY --from=build '));
      expect(copies.length).to.be.at.least(5);
      for (const c of copies) {
        const words = c.split(/\s+/).slice(2);
        for (const src of words.slice(0, -1)) {
          expect(src.startsWith('/opt/mswitch/'), src).to.equal(true);
          expect(existsSync(join(root, src.slice('/opt/mswitch/'.length))), `${src} exists after npm run build`).to.equal(true);
        }
      }
      const ignored = readFileSync(join(dockerDir, 'Dockerfile.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
      expect(ignored, 'the container scripts are in the build context').to.not.include.members(['docker', 'docker/']);
    });

    it('names an entry point and a health check that are executable scripts in docker/', () => {
      const runtime = stage(lines, 'runtime');
      const entry = execForm(runtime.find((l) => l.startsWith('ENTRYPOINT'))!, 'ENTRYPOINT');
      expect(entry).to.deep.equal(['/opt/mswitch/docker/entrypoint.sh']);
      expect(execForm(runtime.find((l) => l.startsWith('CMD'))!, 'CMD')).to.deep.equal(['start']);
      const hc = runtime.find((l) => l.startsWith('HEALTHCHECK'))!;
      expect(execForm(hc, ' CMD')).to.deep.equal(['node', '/opt/mswitch/docker/healthcheck.js']);
      for (const f of [entrypoint, healthcheck]) expect(statSync(f).mode & 0o111, `${f} is executable`).to.not.equal(0);
    });
  });

  describe('entry point and health check against a real daemon', function () {
    const dirs: string[] = [];
    const procs: TrackedProcess[] = [];
    let controller: Server | undefined;

    afterEach(async () => {
      for (const p of procs.splice(0)) await killTracked(p, 'SIGKILL');
      controller?.close();
      controller = undefined;
      for (const d of dirs.splice(0)) removeTempDir(d);
    });

    const tempDir = (): string => {
      const d = makeTempDir('msw-dock-');
      dirs.push(d);
      return d;
    };

    const health = (env: NodeJS.ProcessEnv): Run => run('node', [healthcheck], env);

    it('starts the daemon from the compose command line, reports healthy over the socket and TCP, and stops on SIGTERM', async function () {
      if (!addonBuilt() || !have('docker-compose')) this.skip();
      const rundir = join(tempDir(), 'run');
      const statedir = join(tempDir(), 'state');
      const env = { MSWITCH_RUNDIR: rundir, MSWITCH_STATEDIR: statedir, MSWITCH_BIN: mswitchBin(), MSWITCH_LOG_LEVEL: 'info' };

      const before = health(env);
      expect(before.status).to.equal(1);
      expect(before.stderr).to.match(new RegExp(`^unhealthy: ${join(rundir, 'mswitch.sock')}: .*ENOENT`));

      // A stand-in controller that records the switch's first bytes (its HELLO).
      const hello: Buffer[] = [];
      controller = createServer((s: Socket) => s.on('data', (c: Buffer) => hello.push(c)));
      await new Promise<void>((resolve) => controller!.listen(0, '127.0.0.1', resolve));
      const ofPort = (controller.address() as { port: number }).port;

      // The compose file's own command, with the service names replaced by loopback.
      const args = composeConfig().services.mswitch.command!.map((a) => a
        .replace('tcp:controller:6653', `tcp:127.0.0.1:${ofPort}`)
        .replace(/^--api-listen=.*/, '--api-listen=127.0.0.1:0'));
      expect(args[0]).to.equal('start');
      const d = spawnTracked(entrypoint, args, { env: { ...process.env, ...env } });
      procs.push(d);

      const apiLine = await d.waitForLine('stderr', (l) => l.includes('"event":"api-listen"') && l.includes('"transport":"tcp"'), { what: 'the TCP API to listen', timeoutMs: 20_000 });
      const tcpPort = (JSON.parse(apiLine) as { port: number }).port;
      expect(existsSync(statedir), 'the entry point created the state directory').to.equal(true);

      const ok = health(env);
      expect(ok.status, ok.stderr).to.equal(0);
      expect(ok.stdout).to.equal(`healthy: mswitch ${packageVersion()}, pid ${d.pid}, 1 switch(es), up ${ok.stdout.match(/up (\d+) s/)![1]} s\n`);
      const overTcp = health({ MSWITCH_HEALTH_URL: `http://127.0.0.1:${tcpPort}` });
      expect(overTcp.status, overTcp.stderr).to.equal(0);
      expect(overTcp.stdout).to.match(new RegExp(`^healthy: mswitch \\S+, pid ${d.pid},`));

      // The switch dialled the controller and spoke OpenFlow 1.3 first (OFPT_HELLO).
      const first = await waitFor(() => (Buffer.concat(hello).length >= 8 ? Buffer.concat(hello) : undefined), { what: 'the switch\'s HELLO' });
      expect(first[0], 'version').to.equal(0x04);
      expect(first[1], 'OFPT_HELLO').to.equal(0);

      // exec: the pid we started is the daemon itself, so SIGTERM stops it cleanly.
      process.kill(d.pid, 'SIGTERM');
      expect(await d.exited).to.deep.equal({ code: 0, signal: null });
      procs.splice(0);
      await waitForNoPath(join(rundir, 'mswitch.sock'));
      const after = health(env);
      expect(after.status).to.equal(1);
      expect(after.stderr).to.match(/^unhealthy: /);
    });

    it('reports a daemon that answers but is not healthy, and one that does not answer in time', async () => {
      const rundir = tempDir();
      const sock = join(rundir, 'mswitch.sock');
      // The check runs as a child while this process serves it: never spawnSync here.
      const check = async (env: NodeJS.ProcessEnv): Promise<{ code: number | null; err: string }> => {
        const p = spawnTracked('node', [healthcheck], { env: { ...process.env, ...env } });
        procs.push(p);
        const st = await p.exited;
        return { code: st.code, err: p.stderrLines().join('\n') };
      };
      let answer: (res: ServerResponse) => void = () => undefined;
      const srv = createHttpServer((_req, res) => answer(res));
      await new Promise<void>((resolve) => srv.listen(sock, resolve));
      try {
        answer = (res) => res.writeHead(503).end('{"code":"X"}');
        expect(await check({ MSWITCH_RUNDIR: rundir })).to.deep.equal({ code: 1, err: `unhealthy: ${sock} answered HTTP 503: {"code":"X"}` });
        answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"degraded"}');
        expect(await check({ MSWITCH_RUNDIR: rundir })).to.deep.equal({ code: 1, err: `unhealthy: ${sock} reports status "degraded"` });
        answer = (res) => res.writeHead(200).end('<html>');
        expect(await check({ MSWITCH_RUNDIR: rundir })).to.deep.equal({ code: 1, err: `unhealthy: ${sock} answered non-JSON: <html>` });
        answer = () => undefined;   // never answers
        expect(await check({ MSWITCH_RUNDIR: rundir, MSWITCH_HEALTH_TIMEOUT_MS: '300' }))
          .to.deep.equal({ code: 1, err: `unhealthy: ${sock}: no answer within 300 ms` });
      } finally {
        srv.closeAllConnections();
        srv.close();
      }
    });

    it('runs mswitch verbs and programs as given, and refuses a directory it cannot write', function () {
      const base = tempDir();
      const env = { MSWITCH_RUNDIR: join(base, 'run'), MSWITCH_STATEDIR: join(base, 'state'), MSWITCH_BIN: mswitchBin() };
      expect(run(entrypoint, ['version'], env)).to.deep.include({ status: 0, stdout: `mswitch ${packageVersion()}\n` });
      expect(run(entrypoint, ['echo', 'a program'], env)).to.deep.include({ status: 0, stdout: 'a program\n' });
      // A first word starting with "-" is a flag of start: a bad one is start's usage error.
      const bad = run(entrypoint, ['--workers', 'x'], env);
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.match(/--workers/);

      const file = join(base, 'a-file');
      writeFileSync(file, '');
      const blocked = run(entrypoint, ['version'], { ...env, MSWITCH_STATEDIR: join(file, 'state') });
      expect(blocked.status).to.equal(1);
      expect(blocked.stderr).to.match(new RegExp(`^entrypoint: ${join(file, 'state')} is not a writable directory for uid \\d+`));
      expect(blocked.stdout).to.equal('');
      if (process.getuid?.() !== 0) {
        const ro = join(base, 'ro');
        mkdirSync(ro);
        chmodSync(ro, 0o555);
        expect(run(entrypoint, ['version'], { ...env, MSWITCH_RUNDIR: ro }).status).to.equal(1);
      }
    });
  });
});
