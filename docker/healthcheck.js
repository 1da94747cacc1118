#!/usr/bin/env node
// The container's health check: GET /health from the switch daemon's REST
// API and exit 0 when it answers {"status":"ok"}, else 1 with the reason on
// stderr (Docker keeps the last lines in `docker inspect`).
//
// Design: it asks over the unix socket <rundir>/mswitch.sock, the one
// transport the daemon always serves (TCP may be configured off), so the
// check works whatever --api-listen says.  $MSWITCH_HEALTH_URL
// (http://HOST:PORT) asks over TCP instead, for a checker outside the
// container's run directory.  Plain Node with no dependency: it must run
// even when the application's modules are what broke.  A 3-second budget
// stays under Docker's default --health-timeout (30 s) and gives a hung
// daemon a clear failure rather than a killed check.
'use strict';
const http = require('http');
const path = require('path');

const TIMEOUT_MS = Number(process.env.MSWITCH_HEALTH_TIMEOUT_MS || 3000);

function target() {
  const url = process.env.MSWITCH_HEALTH_URL;
  if (url) {
    const u = new URL('/health', url);
    return { where: u.href, options: { host: u.hostname, port: u.port || 80, path: u.pathname } };
  }
  const rundir = process.env.MSWITCH_RUNDIR || '/run/mswitch';
  const socketPath = path.join(rundir, 'mswitch.sock');
  return { where: socketPath, options: { socketPath, path: '/health' } };
}

function fail(message) {
  process.stderr.write(`unhealthy: ${message}\n`);
  process.exit(1);
}

const { where, options } = target();
const req = http.request({ ...options, method: 'GET', timeout: TIMEOUT_MS }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    if (res.statusCode !== 200) fail(`${where} answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      fail(`${where} answered non-JSON: ${text.slice(0, 200)}`);
    }
    if (!body || body.status !== 'ok') fail(`${where} reports status ${JSON.stringify(body && body.status)}`);
    process.stdout.write(`healthy: mswitch ${body.version}, pid ${body.pid}, ${body.switches} switch(es), up ${Math.round(body.uptimeSeconds)} s\n`);
    process.exit(0);
  });
});
req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
req.on('error', (e) => fail(`${where}: ${e.message}`));
req.end();
