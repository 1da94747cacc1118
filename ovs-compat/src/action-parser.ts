// The `actions=` part of an ovs-ofctl flow (`ovs-actions(7)`) into OpenFlow
// 1.3 instructions (section 7.2.4) and actions (section 7.2.5).
//
// Design.  The text is split at top-level commas (parentheses nest, so
// `write_actions(output:1,output:2)` is one token); each token is
// `name`, `name:arg`, `name(args)` or a bare port number, and is looked up
// in ACTION_PARSERS.  Bare actions form the apply-actions instruction; the
// instructions must come in the order OpenFlow 1.1+ executes them (meter,
// apply-actions, clear-actions, write-actions, write-metadata, goto-table),
// which ovs-ofctl enforces with the same message.  The OpenFlow 1.0
// spellings become what ovs-ofctl makes of them for OpenFlow 1.3:
// `mod_dl_src:M` is `set_field:M->eth_src`, `mod_nw_tos:T` sets ip_dscp to
// T>>2, `mod_vlan_vid:V` pushes a tag first when the match does not
// require one, `strip_vlan` is `pop_vlan`.  As ovs-ofctl does, actions are
// checked against what the packet is at that point (OFPBAC_MATCH_INCONSISTENT):
// set-field and load need the field's prerequisites, pop_vlan and setting
// the VLAN need a tag (matched or pushed), dec_ttl needs IP, pop_mpls and
// the MPLS TTL actions need MPLS; push_mpls / pop_mpls change the ethertype.

import { FlowSyntaxError } from './errors';
import { parseInteger, parsePort, parseValue } from './field-values';
import { fieldByName, fieldByNxmName, fieldBySpelling, fullMask, MatchField } from './match-fields';
import { Action, FieldMatch, Instructions, OFPCML_NO_BUFFER, OFPP_CONTROLLER, PACKET_IN_REASONS, PacketInReason } from './flow';

type InstructionKind = 'meter' | 'apply_actions' | 'clear_actions' | 'write_actions' | 'write_metadata' | 'goto_table';
const INSTRUCTION_ORDER: InstructionKind[] = ['meter', 'apply_actions', 'clear_actions', 'write_actions', 'write_metadata', 'goto_table'];

/**
 * What the packet is known to be at this point of the action list: the
 * match's exact eth_type / ip_proto and whether it has a VLAN tag, updated
 * by push/pop actions.  Set-field, pop and TTL actions are checked against it.
 */
interface Context {
  ethType?: bigint;
  ipProto?: bigint;
  tagged: boolean;
}

/** Splits 'text' at commas outside parentheses. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { out.push(text.slice(start, i).trim()); start = i + 1; }
  }
  if (depth !== 0) throw new FlowSyntaxError(`${text}: unbalanced parentheses`, text);
  out.push(text.slice(start).trim());
  return out.filter((t) => t !== '');
}

/** Parses the text after `actions=` given the flow's (sorted) 'match'. */
export function parseInstructions(text: string, match: FieldMatch[]): Instructions {
  const ins: Instructions = { apply: [], clearActions: false };
  const tokens = splitTopLevel(text);
  if (tokens.includes('drop')) {
    if (tokens.length > 1) throw new FlowSyntaxError('"drop" must not be accompanied by any other action or instruction', 'drop');
    return ins;
  }
  const ctx = contextOf(match);
  const seen: InstructionKind[] = [];
  const note = (kind: InstructionKind, token: string) => {
    if (seen.includes(kind) && (kind !== 'apply_actions' || seen[seen.length - 1] !== kind)) {
      throw new FlowSyntaxError(`${token}: duplicate instruction ${kind}`, token);
    }
    const later = seen.find((k) => INSTRUCTION_ORDER.indexOf(k) > INSTRUCTION_ORDER.indexOf(kind));
    if (later) throw new FlowSyntaxError(`invalid instruction ordering: ${kind} must appear before ${later}, for OpenFlow 1.1+ compatibility`, token);
    seen.push(kind);
  };
  for (const token of tokens) {
    const { name, arg } = splitAction(token);
    switch (name) {
      case 'meter': note('meter', token); ins.meter = parseU32(arg, token); break;
      case 'clear_actions': note('clear_actions', token); ins.clearActions = true; break;
      case 'write_actions': {
        note('write_actions', token);
        const inner = splitTopLevel(arg);
        if (inner.includes('drop')) throw new FlowSyntaxError('"drop" must not be accompanied by any other action or instruction', token);
        ins.writeActions = inner.flatMap((t) => parseAction(t, ctx));
        break;
      }
      case 'write_metadata': {
        note('write_metadata', token);
        const [v, m] = arg.split('/');
        ins.writeMetadata = { value: parseInteger(v, 64, 'write_metadata'), mask: m === undefined ? fullMask(64) : parseInteger(m, 64, 'write_metadata mask') };
        break;
      }
      case 'goto_table': {
        note('goto_table', token);
        const t = parseU32(arg, token);
        if (t > 254) throw new FlowSyntaxError(`${arg}: invalid table for goto_table`, token);
        ins.gotoTable = t;
        break;
      }
      default: note('apply_actions', token); ins.apply.push(...parseAction(token, ctx));
    }
  }
  return ins;
}

function contextOf(match: FieldMatch[]): Context {
  const get = (n: string) => match.find((m) => m.field === n && m.mask === fullMask(fieldByName(n).bits))?.value;
  const tci = match.find((m) => m.field === 'vlan_tci');
  return {
    ethType: get('eth_type'), ipProto: get('ip_proto'),
    tagged: tci !== undefined && (tci.mask & tci.value & 0x1000n) !== 0n,
  };
}

/** `name:arg`, `name(arg)` or a bare port number (`output:N`). */
function splitAction(token: string): { name: string; arg: string } {
  const m = /^([a-z_0-9]+)(?::(.*)|\((.*)\))?$/is.exec(token);
  if (!m) throw new FlowSyntaxError(`unknown action ${token}`, token);
  return { name: m[1].toLowerCase(), arg: m[2] ?? m[3] ?? '' };
}

function parseU32(text: string, token: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text) || Number(text) > 0xffffffff) throw new FlowSyntaxError(`${token}: bad number ${text || '(missing)'}`, token);
  return Number(text);
}

function parseEthertype(text: string, token: string): number {
  const v = parseU32(text, token);
  if (v > 0xffff) throw new FlowSyntaxError(`${token}: bad ethertype ${text}`, token);
  return v;
}

/** Checks that 'f' may be set in a packet described by 'ctx' (OFPBAC_MATCH_INCONSISTENT otherwise). */
function checkSettable(f: MatchField, ctx: Context, token: string): void {
  if (!f.settable) throw new FlowSyntaxError(`${token}: field ${f.setFieldName} cannot be set`, token);
  for (const pre of f.prerequisites) {
    const v = pre.field === 'eth_type' ? ctx.ethType : pre.field === 'ip_proto' ? ctx.ipProto : ctx.tagged ? 1n : undefined;
    if (v === undefined || !pre.values.includes(v)) {
      throw new FlowSyntaxError(`${token}: actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT): needs ${pre.hint}`, token);
    }
  }
}

function setField(fieldName: string, valueText: string, ctx: Context, token: string): Action {
  const f = fieldByName(fieldName);
  checkSettable(f, ctx, token);
  if (f.name === 'vlan_vid') requireTag(ctx, token);
  return { type: 'set_field', field: f.name, value: parseValue(valueText, f, f.setFieldName).value };
}

/** A tag push for mod_vlan_vid / mod_vlan_pcp when neither the match nor an earlier action provides one. */
function vlanPushIfNeeded(ctx: Context): Action[] {
  if (ctx.tagged) return [];
  ctx.tagged = true;
  return [{ type: 'push_vlan', ethertype: 0x8100 }];
}

function requireTag(ctx: Context, token: string): void {
  if (!ctx.tagged) throw new FlowSyntaxError(`${token}: actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT): no VLAN tag (match dl_vlan or push_vlan first)`, token);
}

/** Requires the packet's ethertype to be one of 'types' here (ovs-ofctl: "no usable protocol"). */
function requireEthType(ctx: Context, types: bigint[], hint: string, token: string): void {
  if (ctx.ethType === undefined || !types.includes(ctx.ethType)) {
    throw new FlowSyntaxError(`${token}: actions are invalid with specified match: needs ${hint}`, token);
  }
}

const IP_TYPES = [0x0800n, 0x86ddn];
const MPLS_TYPES = [0x8847n, 0x8848n];

const TP_FIELDS: Record<string, [string, string]> = { '6': ['tcp_src', 'tcp_dst'], '17': ['udp_src', 'udp_dst'], '132': ['sctp_src', 'sctp_dst'] };

function parseAction(token: string, ctx: Context): Action[] {
  if (/^\d+$/.test(token)) return [{ type: 'output', port: parsePort(token, token, true) }];
  const { name, arg } = splitAction(token);
  switch (name) {
    case 'output': {
      const port = parsePort(arg, token, true);
      return [port === OFPP_CONTROLLER ? { type: 'controller', maxLen: OFPCML_NO_BUFFER, reason: 'action' } : { type: 'output', port }];
    }
    case 'in_port': case 'flood': case 'all': case 'local': case 'normal':
      if (arg) break;
      return [{ type: 'output', port: parsePort(name, token, true) }];
    case 'controller': return [parseController(arg, token)];
    case 'mod_dl_src': return [setField('eth_src', arg, ctx, token)];
    case 'mod_dl_dst': return [setField('eth_dst', arg, ctx, token)];
    case 'mod_nw_src': return [setField('ipv4_src', arg, ctx, token)];
    case 'mod_nw_dst': return [setField('ipv4_dst', arg, ctx, token)];
    case 'mod_nw_ttl': return [setField('nw_ttl', arg, ctx, token)];
    case 'mod_nw_ecn': return [setField('ip_ecn', arg, ctx, token)];
    case 'mod_nw_tos': {
      const tos = parseInteger(arg, 8, 'mod_nw_tos');
      if (tos & 3n) throw new FlowSyntaxError(`${token}: ECN bits must be zero (use mod_nw_ecn)`, token);
      return [setField('ip_dscp', String(tos >> 2n), ctx, token)];
    }
    case 'mod_tp_src': case 'mod_tp_dst': {
      const pair = ctx.ipProto === undefined ? undefined : TP_FIELDS[ctx.ipProto.toString()];
      if (!pair) throw new FlowSyntaxError(`${token}: actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT): needs tcp, udp or sctp`, token);
      return [setField(pair[name === 'mod_tp_src' ? 0 : 1], arg, ctx, token)];
    }
    case 'mod_vlan_vid': {
      const vid = parseInteger(arg, 12, 'mod_vlan_vid');
      return [...vlanPushIfNeeded(ctx), { type: 'set_field', field: 'vlan_vid', value: vid | 0x1000n }];
    }
    case 'mod_vlan_pcp': {
      const pcp = parseInteger(arg, 3, 'mod_vlan_pcp');
      return [...vlanPushIfNeeded(ctx), { type: 'set_field', field: 'vlan_pcp', value: pcp }];
    }
    case 'strip_vlan': case 'pop_vlan':
      if (arg) break;
      requireTag(ctx, token);
      ctx.tagged = false;
      return [{ type: 'pop_vlan' }];
    case 'push_vlan': ctx.tagged = true; return [{ type: 'push_vlan', ethertype: parseEthertype(arg, token) }];
    case 'push_mpls': {
      const ethertype = parseEthertype(arg, token);
      ctx.ethType = BigInt(ethertype);
      ctx.ipProto = undefined;
      return [{ type: 'push_mpls', ethertype }];
    }
    case 'pop_mpls': {
      requireEthType(ctx, MPLS_TYPES, 'mpls', token);
      const ethertype = parseEthertype(arg, token);
      ctx.ethType = BigInt(ethertype);
      return [{ type: 'pop_mpls', ethertype }];
    }
    case 'set_field': return [parseSetField(arg, ctx, token)];
    case 'load': return [parseLoad(arg, ctx, token)];
    case 'dec_ttl': if (arg) break; requireEthType(ctx, IP_TYPES, 'ip or ipv6', token); return [{ type: 'dec_ttl' }];
    case 'set_mpls_ttl':
      requireEthType(ctx, MPLS_TYPES, 'mpls', token);
      return [{ type: 'set_mpls_ttl', ttl: Number(parseInteger(arg, 8, 'set_mpls_ttl')) }];
    case 'dec_mpls_ttl': if (arg) break; requireEthType(ctx, MPLS_TYPES, 'mpls', token); return [{ type: name }];
    case 'copy_ttl_in': case 'copy_ttl_out': if (arg) break; return [{ type: name }];
    case 'set_queue': return [{ type: 'set_queue', queue: parseU32(arg, token) }];
    case 'group': return [{ type: 'group', group: parseU32(arg, token) }];
    case 'resubmit':
      throw new FlowSyntaxError(`${token}: resubmit is not supported by mswitch (it is an Open vSwitch extension; use goto_table)`, token);
    default:
      throw new FlowSyntaxError(`unknown action ${name}`, token);
  }
  throw new FlowSyntaxError(`${token}: unexpected argument to ${name}`, token);
}

function parseController(arg: string, token: string): Action {
  let maxLen = OFPCML_NO_BUFFER;
  let reason: PacketInReason = 'action';
  if (/^\d+$/.test(arg)) return { type: 'controller', maxLen: Number(parseInteger(arg, 16, 'max_len')), reason };
  for (const kv of arg === '' ? [] : splitTopLevel(arg)) {
    const [k, v = ''] = kv.split('=');
    if (k === 'max_len') maxLen = Number(parseInteger(v, 16, 'max_len'));
    else if (k === 'reason' && (PACKET_IN_REASONS as readonly string[]).includes(v)) reason = v as PacketInReason;
    else throw new FlowSyntaxError(`${kv}: unsupported controller argument`, kv);
  }
  return { type: 'controller', maxLen, reason };
}

function parseSetField(arg: string, ctx: Context, token: string): Action {
  const arrow = arg.lastIndexOf('->');
  if (arrow < 0) throw new FlowSyntaxError(`${token}: set_field needs VALUE->FIELD`, token);
  const spelling = arg.slice(arrow + 2);
  const value = arg.slice(0, arrow);
  const f = fieldBySpelling(spelling);
  if (!f) throw new FlowSyntaxError(`${spelling} is not a valid OXM field name`, spelling);
  if (value.includes('/')) throw new FlowSyntaxError(`${token}: masked set_field is not supported by mswitch`, token);
  if (f.name === 'ip_dscp' && spelling === 'nw_tos') {
    const tos = parseInteger(value, 8, 'nw_tos');
    return setField('ip_dscp', String(tos >> 2n), ctx, token);
  }
  return setField(f.name, value, ctx, token);
}

/** `load:V->NXM_NAME[]`: only whole fields (a slice [a..b] is not supported). */
function parseLoad(arg: string, ctx: Context, token: string): Action {
  const m = /^(0x[0-9a-f]+|\d+)->([A-Z0-9_]+)\[(.*)\]$/i.exec(arg);
  if (!m) throw new FlowSyntaxError(`${token}: load needs VALUE->FIELD[]`, token);
  if (m[3] !== '') throw new FlowSyntaxError(`${token}: load into a field slice [${m[3]}] is not supported by mswitch`, token);
  const f = fieldByNxmName(m[2]);
  if (!f) throw new FlowSyntaxError(`${m[2]}: field not supported by mswitch in load`, token);
  checkSettable(f, ctx, token);
  return { type: 'load', field: f.name, value: parseInteger(m[1], f.bits, m[2]) };
}
