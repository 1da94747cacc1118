// The REST API's controller operations (operationIds getControllers,
// setControllers, deleteControllers, setFailMode of openapi/openapi.yaml):
// ovs-vsctl's set-controller, get-controller, del-controller and
// set-fail-mode over HTTP, on a running switch.
//
// What?  GET answers the switch's OpenFlow configuration (targets,
// listeners, fail mode, protocols) and its controller connections as they
// are now: each session with its target, role, version, since, echo round
// trip and packet-ins sent and dropped, and each dialled target's state.
// PUT replaces what the body names (a key left out keeps its value),
// DELETE removes every target and listener.
//
// Design.  The daemon applies the change (Daemon.setControllers, through
// agent/bridge-openflow.ts) and records it for restarts.  Everything that
// can be refused is refused before anything changes: a target's syntax
// (CONTROLLER_TARGET naming the field and the target, from the session
// layer's own parser), a target given as a listener or the reverse, an
// ssl:/pssl: one on a switch without TLS files, a unix: target outside
// the run directory (the socket file's directory is the access control,
// as for the API's own socket).  Only binding a new listener can fail
// after the rest was applied: LISTEN_FAILED, the configuration reported
// as it now runs.  Sessions of the management socket (ovs-ofctl) are not
// controllers and are left out of `sessions`.
//
// Thread-safety: JS thread only (methods bound by the glue).
import { join, resolve, sep } from 'path';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { isPassiveTarget, TargetError } from '../agent/channel-targets';
import type { OpenflowConfig } from '../agent/openflow-config';
import type { ManagerStatus, SessionRole } from '../agent/types';
import { OFP_VERSION_1_0, OFP_VERSION_1_3 } from '../openflow';
import { ApiError } from './errors';
import { FlowHandlers } from './flow-handlers';
import type { components } from './schema';

type Schemas = components['schemas'];
type Req<Body = unknown> = FastifyRequest<{ Body: Body; Params: { name: string } }>;
type ProtocolName = 'OpenFlow10' | 'OpenFlow13';

const PROTOCOL_NUMBER: Record<ProtocolName, number> = { OpenFlow10: OFP_VERSION_1_0, OpenFlow13: OFP_VERSION_1_3 };
const PROTOCOL_NAME = new Map<number, ProtocolName>([[OFP_VERSION_1_0, 'OpenFlow10'], [OFP_VERSION_1_3, 'OpenFlow13']]);
const ROLE_NAME: Record<SessionRole, Schemas['ControllerSession']['role']> = {
  OFPCR_ROLE_EQUAL: 'equal', OFPCR_ROLE_MASTER: 'master', OFPCR_ROLE_SLAVE: 'slave',
};

/** The Controllers answer for configuration 'c' and live status 's' (the management socket's sessions left out). */
export function controllersJson(c: OpenflowConfig, s: ManagerStatus | undefined, mgmtTarget: string | undefined): Schemas['Controllers'] {
  return {
    targets: [...c.controllers],
    listeners: [...c.listeners],
    failMode: c.failMode,
    protocols: c.protocols.map((v) => PROTOCOL_NAME.get(v)).filter((p): p is ProtocolName => p !== undefined),
    openflow: s !== undefined,
    sessions: (s?.sessions ?? []).filter((x) => x.target !== mgmtTarget).map((x) => ({
      target: x.target,
      kind: x.kind,
      connected: x.connected,
      role: ROLE_NAME[x.role],
      version: PROTOCOL_NAME.get(x.version) ?? 'none',
      since: x.since,
      ...(x.echoRttMs !== undefined && { echoRttMs: Math.round(x.echoRttMs * 1000) / 1000 }),
      packetInSent: x.packetInSent,
      packetInDropped: x.packetInDropped,
    })),
    connections: (s?.targets ?? []).map((t) => ({ target: t.target, state: t.state, attempts: t.attempts, ...(t.lastError !== undefined && { lastError: t.lastError }) })),
  };
}

export class ControllerHandlers extends FlowHandlers {
  private answer(name: string): Schemas['Controllers'] {
    const { config, status } = this.daemon.getControllers(name);
    // The manager names its management socket's sessions so (controller-manager.ts).
    return controllersJson(config, status, `punix:${join(this.daemon.config.rundir, `${name}.mgmt`)}`);
  }

  // Refuses what cannot work before anything changes (see the header).
  private check(name: string, body: Schemas['ControllersSet']): void {
    const tls = this.daemon.getControllers(name).config.tls !== undefined;
    const rundir = resolve(this.daemon.config.rundir);
    const each = (list: string[] | undefined, key: 'targets' | 'listeners'): void => {
      list?.forEach((t, i) => {
        const field = `body.${key}[${i}]`;
        if (isPassiveTarget(t) !== (key === 'listeners')) {
          throw new ApiError('CONTROLLER_TARGET', `${field}: '${t}' is ${key === 'listeners' ? 'not a listener (ptcp:, pssl:, punix:)' : 'a listener, not a controller target (tcp:, ssl:, unix:)'}`, field);
        }
        if (/^p?ssl:/.test(t) && !tls) {
          throw new ApiError('CONTROLLER_TARGET', `${field}: '${t}' needs the switch's "tls" { key, cert, ca } in the config file`, field);
        }
        const unix = /^p?unix:(.*)$/.exec(t);
        if (unix !== null && !resolve(unix[1]).startsWith(rundir + sep)) {
          throw new ApiError('CONTROLLER_TARGET', `${field}: '${t}' is outside the run directory ${rundir}`, field);
        }
      });
    };
    each(body.targets, 'targets');
    each(body.listeners, 'listeners');
  }

  private async change(name: string, body: Schemas['ControllersSet']): Promise<Schemas['Controllers']> {
    this.switchNamed(name);
    this.check(name, body);
    try {
      await this.daemon.setControllers(name, {
        ...(body.targets !== undefined && { controllers: body.targets }),
        ...(body.listeners !== undefined && { listeners: body.listeners }),
        ...(body.failMode !== undefined && { failMode: body.failMode }),
        ...(body.protocols !== undefined && { protocols: body.protocols.map((p) => PROTOCOL_NUMBER[p]).sort() }),
      });
    } catch (e) {
      if (e instanceof TargetError) {
        const key = isPassiveTarget(e.target) ? 'listeners' : 'targets';
        const i = (body[key] ?? []).indexOf(e.target);
        const field = i >= 0 ? `body.${key}[${i}]` : undefined;
        throw new ApiError('CONTROLLER_TARGET', `${field === undefined ? '' : `${field}: `}${e.message}`, field);
      }
      throw new ApiError('LISTEN_FAILED', `${(e as Error).message} (the configuration now: ${JSON.stringify(this.daemon.getControllers(name).config.listeners)})`);
    }
    return this.answer(name);
  }

  async getControllers(req: Req): Promise<Schemas['Controllers']> {
    this.switchNamed(req.params.name);
    return this.answer(req.params.name);
  }

  async setControllers(req: Req<Schemas['ControllersSet']>): Promise<Schemas['Controllers']> {
    return this.change(req.params.name, req.body);
  }

  async deleteControllers(req: Req, reply: FastifyReply): Promise<void> {
    await this.change(req.params.name, { targets: [], listeners: [] });
    void reply.code(204);
  }

  async setFailMode(req: Req<{ failMode: Schemas['FailMode'] }>): Promise<Schemas['Controllers']> {
    return this.change(req.params.name, { failMode: req.body.failMode });
  }
}
