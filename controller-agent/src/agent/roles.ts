// Controller roles of one bridge: EQUAL, MASTER, SLAVE and the generation
// id that orders master elections (OpenFlow 1.3.5 section 6.3.5, message
// OFPT_ROLE_REQUEST section 7.3.9).
//
// What?  Every session of a bridge has a role, EQUAL when it connects.  A
// ROLE_REQUEST for MASTER or SLAVE carries a generation id; the switch
// keeps the largest it has seen and refuses an older one with
// OFPRRFC_STALE.  At most one session is MASTER: promoting one demotes the
// previous master to SLAVE.  NOCHANGE reads the current role; the reply is
// always a real role.
//
// Design.  One table per bridge, keyed by session id, is the single source
// of truth: sessions read their role from it, so a demotion needs no
// message between sessions.  "Older" is the spec's wrap-around comparison:
// (int64)(generation_id - cached) < 0.  The cache is unset until the first
// MASTER or SLAVE request, which any id passes.
//
// Thread-safety: event-loop only.

import type { ControllerRole } from '../openflow';
import { OpenFlowError } from '../openflow';
import type { SessionRole } from './types';

export interface RoleResult {
  role: SessionRole;
  /** The generation id the reply carries: the cached one (0 before any). */
  generationId: bigint;
  /** Sessions demoted from MASTER to SLAVE by this request. */
  demoted: string[];
}

export class RoleTable {
  private readonly roles = new Map<string, SessionRole>();
  private cachedGenerationId: bigint | undefined;

  add(sessionId: string): void {
    this.roles.set(sessionId, 'OFPCR_ROLE_EQUAL');
  }

  remove(sessionId: string): void {
    this.roles.delete(sessionId);
  }

  /** The session's role; EQUAL for a session the table does not hold (it never had another). */
  get(sessionId: string): SessionRole {
    return this.roles.get(sessionId) ?? 'OFPCR_ROLE_EQUAL';
  }

  /** The generation id replies carry. */
  get generationId(): bigint {
    return this.cachedGenerationId ?? 0n;
  }

  /** The session of role MASTER, if any. */
  master(): string | undefined {
    for (const [id, role] of this.roles) if (role === 'OFPCR_ROLE_MASTER') return id;
    return undefined;
  }

  /**
   * Applies a ROLE_REQUEST from 'sessionId'; throws OFPRRFC_STALE for an
   * old generation id (the caller fills in xid and data from the request).
   */
  request(sessionId: string, role: ControllerRole, generationId: bigint): RoleResult {
    if (!this.roles.has(sessionId)) throw new Error(`roles: session '${sessionId}' is not registered`);
    if (role === 'OFPCR_ROLE_NOCHANGE') return { role: this.get(sessionId), generationId: this.generationId, demoted: [] };
    if (role === 'OFPCR_ROLE_MASTER' || role === 'OFPCR_ROLE_SLAVE') {
      if (this.cachedGenerationId !== undefined && BigInt.asIntN(64, generationId - this.cachedGenerationId) < 0n) {
        throw new OpenFlowError('OFPRRFC_STALE', `generation id ${generationId} is older than ${this.cachedGenerationId}`);
      }
      this.cachedGenerationId = BigInt.asUintN(64, generationId);
    }
    const demoted: string[] = [];
    if (role === 'OFPCR_ROLE_MASTER') {
      for (const [id, r] of this.roles) {
        if (id !== sessionId && r === 'OFPCR_ROLE_MASTER') {
          this.roles.set(id, 'OFPCR_ROLE_SLAVE');
          demoted.push(id);
        }
      }
    }
    this.roles.set(sessionId, role);
    return { role, generationId: this.generationId, demoted };
  }
}
