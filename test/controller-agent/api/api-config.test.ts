// The REST API's configuration: listen address and token from the flag,
// the environment and the file, in that order, each error naming its key.
import { expect } from 'chai';

import { buildConfig, parseListen } from '../../../controller-agent/src/config';
import { ConfigError } from '../../../controller-agent/src/config-check';
import { parseConfigDocument } from '../../../controller-agent/src/config-file';

describe('REST API configuration', () => {
  const env = { MSWITCH_RUNDIR: '/tmp/x' };

  it('listens on 127.0.0.1:8080 with no token by default', () => {
    expect(buildConfig({ env }).api).to.deep.equal({ listen: { host: '127.0.0.1', port: 8080 }, token: undefined });
  });

  it('takes --api-listen over $MSWITCH_API_LISTEN over api.listen; none disables TCP', () => {
    const file = parseConfigDocument({ api: { listen: '127.0.0.1:9000', token: 'file-token-0123456789' } });
    expect(buildConfig({ env, file }).api).to.deep.equal({ listen: { host: '127.0.0.1', port: 9000 }, token: 'file-token-0123456789' });
    expect(buildConfig({ env: { ...env, MSWITCH_API_LISTEN: 'none' }, file }).api.listen).to.equal(undefined);
    expect(buildConfig({ env: { ...env, MSWITCH_API_LISTEN: 'none' }, file, overrides: { apiListen: '[::1]:81' } }).api.listen)
      .to.deep.equal({ host: '::1', port: 81 });
    expect(buildConfig({ env: { ...env, MSWITCH_API_TOKEN: 'env-token' }, file }).api.token).to.equal('env-token');
  });

  it('names the key of a bad address or token', () => {
    const bad = (f: () => unknown, key: string): void => {
      expect(f).to.throw(ConfigError).with.property('key', key);
    };
    bad(() => buildConfig({ env, overrides: { apiListen: 'localhost' } }), '--api-listen');
    bad(() => buildConfig({ env, overrides: { apiListen: '127.0.0.1:70000' } }), '--api-listen');
    bad(() => buildConfig({ env: { ...env, MSWITCH_API_LISTEN: 'x:y' } }), 'MSWITCH_API_LISTEN');
    bad(() => buildConfig({ env, file: parseConfigDocument({ api: { listen: ':80' } }) }), 'api.listen');
    bad(() => parseConfigDocument({ api: { token: 'short' } }), 'api.token');
    bad(() => parseConfigDocument({ api: { lisen: '127.0.0.1:1' } }), 'api.lisen');
    expect(parseListen('none', 'k')).to.equal(undefined);
  });
});
