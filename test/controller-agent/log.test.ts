// The logger: level from MSWITCH_LOG_LEVEL, JSON lines.
import { expect } from 'chai';
import { Writable } from 'stream';

import { createLogger, logLevelFromEnv } from '../../controller-agent/src/log';

describe('log', () => {
  it('defaults to info', () => {
    expect(logLevelFromEnv({})).to.equal('info');
    expect(logLevelFromEnv({ MSWITCH_LOG_LEVEL: '' })).to.equal('info');
  });

  it('takes MSWITCH_LOG_LEVEL, in any case', () => {
    expect(logLevelFromEnv({ MSWITCH_LOG_LEVEL: 'debug' })).to.equal('debug');
    expect(logLevelFromEnv({ MSWITCH_LOG_LEVEL: 'WARN' })).to.equal('warn');
  });

  it('refuses an unknown level, naming the variable and the valid levels', () => {
    expect(() => logLevelFromEnv({ MSWITCH_LOG_LEVEL: 'loud' }))
      .to.throw(/MSWITCH_LOG_LEVEL: unknown level "loud" \(one of fatal, error, warn, info, debug, trace, silent\)/);
  });

  it('writes one JSON object per line, filtered by level', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
        done();
      },
    });
    const log = createLogger({ level: 'info', destination: sink });
    log.debug('hidden');
    log.info({ event: 'port-up', port: 1 }, 'shown');
    expect(lines).to.have.length(1);
    const rec = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(rec).to.include({ level: 30, name: 'mswitch', msg: 'shown', event: 'port-up', port: 1, pid: process.pid });
  });
});
