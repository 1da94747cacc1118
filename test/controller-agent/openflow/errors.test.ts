// Malformed messages of every class, each answered with the spec's exact
// (type, code) for its version, the request's xid and its first 64 bytes.
import { expect } from 'chai';
import {
  decodeMessage, ERROR_NAMES, errorName, errorNumbers, errorReply, encodeMessage, OpenFlowError, unsupportedExperimenter,
} from '../../../controller-agent/src/openflow';
import { hex, u64 } from './golden';

/** The error decodeMessage throws for 'bytes'. */
function refusal(bytes: Buffer): OpenFlowError {
  try {
    decodeMessage(bytes);
  } catch (e) {
    if (e instanceof OpenFlowError) return e;
    throw e;
  }
  throw new Error(`accepted ${bytes.toString('hex')}`);
}

// A 1.3 flow mod (ADD, table 0) with the given match and instruction bytes.
const FM13 = `${u64(0n)} ${u64(0n)} 00 00 0000 0000 8000 ffffffff ffffffff ffffffff 0000 0000`;
const flowMod13 = (match: string, instructions = '', fixed = FM13): Buffer => {
  const body = hex(`${fixed} ${match} ${instructions}`);
  const h = hex('04 0e 0000 0000002a');
  h.writeUInt16BE(8 + body.length, 2);
  return Buffer.concat([h, body]);
};
const ANY = '0001 0004 00000000';
const apply = (actions: string): string => {
  const b = hex(actions);
  return `0004 ${(8 + b.length).toString(16).padStart(4, '0')} 00000000 ${actions}`;
};

// [name, bytes, expected error name, 1.3 (type, code)]
const CASES13: [string, Buffer, string, [number, number]][] = [
  ['version we do not speak', hex('03 05 0008 0000002a'), 'OFPBRC_BAD_VERSION', [1, 0]],
  ['unknown message type', hex('04 63 0008 0000002a'), 'OFPBRC_BAD_TYPE', [1, 1]],
  ['header length differs from the message', hex('04 02 000c 0000002a 0000'), 'OFPBRC_BAD_LEN', [1, 6]],
  ['truncated fixed body (ROLE_REQUEST)', hex('04 18 0010 0000002a 00000002 00000000'), 'OFPBRC_BAD_LEN', [1, 6]],
  ['trailing bytes after a fixed body', hex('04 05 0010 0000002a 0000000000000000'), 'OFPBRC_BAD_LEN', [1, 6]],
  ['unknown multipart type', hex('04 12 0010 0000002a 0063 0000 00000000'), 'OFPBRC_BAD_MULTIPART', [1, 2]],
  ['unknown role', hex(`04 18 0018 0000002a 00000009 00000000 ${u64(0n)}`), 'OFPRRFC_BAD_ROLE', [11, 2]],
  ['packet-out actions_len past the end', hex('04 0d 0018 0000002a ffffffff 00000001 0040 000000000000'), 'OFPBRC_BAD_LEN', [1, 6]],
  ['flow mod command 9', flowMod13(ANY, '', `${u64(0n)} ${u64(0n)} 00 09 0000 0000 8000 ffffffff ffffffff ffffffff 0000 0000`), 'OFPFMFC_BAD_COMMAND', [5, 6]],
  ['flow mod ADD into OFPTT_ALL', flowMod13(ANY, '', `${u64(0n)} ${u64(0n)} ff 00 0000 0000 8000 ffffffff ffffffff ffffffff 0000 0000`), 'OFPFMFC_BAD_TABLE_ID', [5, 2]],
  ['flow mod undefined flag', flowMod13(ANY, '', `${u64(0n)} ${u64(0n)} 00 00 0000 0000 8000 ffffffff ffffffff ffffffff 0100 0000`), 'OFPFMFC_BAD_FLAGS', [5, 7]],
  ['match of type OFPMT_STANDARD', flowMod13('0000 0004 00000000'), 'OFPBMC_BAD_TYPE', [4, 0]],
  ['match length beyond the message', flowMod13('0001 0040 00000000'), 'OFPBMC_BAD_LEN', [4, 1]],
  ['unknown OXM field', flowMod13('0001 000a 80007e02 0800 000000000000'), 'OFPBMC_BAD_FIELD', [4, 6]],
  ['OXM with the wrong length', flowMod13('0001 000b 80000a03 080000 0000000000'), 'OFPBMC_BAD_LEN', [4, 1]],
  ['mask on an unmaskable field (eth_type)', flowMod13('0001 000c 80000b04 0800ffff 00000000'), 'OFPBMC_BAD_MASK', [4, 8]],
  ['value bits outside the mask', flowMod13('0001 0014 8000070c 0a0000000001 ff0000000000 00000000'), 'OFPBMC_BAD_WILDCARDS', [4, 5]],
  ['value wider than the field (vlan_pcp 9)', flowMod13('0001 0012 80000c02 1005 80000e01 09 000000000000'), 'OFPBMC_BAD_VALUE', [4, 7]],
  ['field twice', flowMod13('0001 0010 80000a02 0800 80000a02 0800'), 'OFPBMC_DUP_FIELD', [4, 10]],
  ['missing prerequisite (tcp_dst without ip_proto)', flowMod13('0001 0010 80000a02 0800 80001c02 0050 00000000'), 'OFPBMC_BAD_PREREQ', [4, 9]],
  ['prerequisite with the wrong value (udp_dst with ip_proto 6)', flowMod13('0001 0015 80000a02 0800 80001401 06 80002002 0035 000000'), 'OFPBMC_BAD_PREREQ', [4, 9]],
  ['vlan_pcp without a VLAN', flowMod13('0001 0009 80000e01 03 00000000000000'), 'OFPBMC_BAD_PREREQ', [4, 9]],
  ['unknown instruction', flowMod13(ANY, '0063 0008 00000000'), 'OFPBIC_UNKNOWN_INST', [3, 0]],
  ['instruction with a bad length', flowMod13(ANY, '0001 0010 05000000 0000000000000000'), 'OFPBIC_BAD_LEN', [3, 7]],
  ['experimenter instruction', flowMod13(ANY, 'ffff 0008 00002320'), 'OFPBIC_BAD_EXPERIMENTER', [3, 5]],
  ['unknown action', flowMod13(ANY, apply('0063 0008 00000000')), 'OFPBAC_BAD_TYPE', [2, 0]],
  ['action length not a multiple of 8', flowMod13(ANY, apply('0000 000c 00000002 0000 0000 00000000')), 'OFPBAC_BAD_LEN', [2, 1]],
  ['output to port 0', flowMod13(ANY, apply('0000 0010 00000000 0000 000000000000')), 'OFPBAC_BAD_OUT_PORT', [2, 4]],
  ['push_vlan with a bad ethertype', flowMod13(ANY, apply('0011 0008 0800 0000')), 'OFPBAC_BAD_ARGUMENT', [2, 5]],
  ['Nicira action (experimenter)', flowMod13(ANY, apply('ffff 0010 00002320 0000000000000000')), 'OFPBAC_BAD_EXPERIMENTER', [2, 2]],
  ['set_field of an unknown field', flowMod13(ANY, apply('0019 0010 80007e02 0001 000000000000')), 'OFPBAC_BAD_SET_TYPE', [2, 13]],
  ['set_field with a mask', flowMod13(ANY, apply('0019 0010 80001f04 0001ffff 00000000')), 'OFPBAC_BAD_SET_ARGUMENT', [2, 15]],
  ['set_field of in_port', flowMod13(ANY, apply('0019 0010 80000004 00000001 00000000')), 'OFPBAC_BAD_SET_TYPE', [2, 13]],
  ['group mod bad command', hex('04 0f 0010 0000002a 0009 00 00 00000001'), 'OFPGMFC_BAD_COMMAND', [6, 11]],
  ['group mod bad type', hex('04 0f 0010 0000002a 0000 07 00 00000001'), 'OFPGMFC_BAD_TYPE', [6, 10]],
  ['group mod short bucket', hex('04 0f 0018 0000002a 0000 00 00 00000001 0008 0000 ffffffff'), 'OFPGMFC_BAD_BUCKET', [6, 12]],
  ['meter mod bad command', hex('04 1d 0010 0000002a 0007 0001 00000001'), 'OFPMMFC_BAD_COMMAND', [12, 4]],
  ['meter mod unknown band', hex('04 1d 0020 0000002a 0000 0001 00000001 0009 0010 00000001 00000000 00000000'), 'OFPMMFC_BAD_BAND', [12, 8]],
  ['table features with a bad length', hex('04 12 0016 0000002a 000c 0000 00000000 0004 00 000000'), 'OFPTFFC_BAD_LEN', [13, 3]],
];

describe('openflow codec: malformed messages get the spec\'s error', () => {
  for (const [name, bytes, err, [type, code]] of CASES13) {
    it(`1.3 ${name}: ${err} (${type}, ${code})`, () => {
      const e = refusal(bytes);
      expect(e.errorName).to.equal(err);
      expect(e.numbers(4)).to.deep.equal({ type, code });
      expect(e.xid).to.equal(0x2a);
      expect(e.data.equals(bytes.subarray(0, 64))).to.equal(true);
      expect(e.close).to.equal(false);
      // The reply the agent sends is a valid OFPT_ERROR quoting the request.
      const reply = encodeMessage(errorReply(e, 4));
      expect(decodeMessage(reply)).to.deep.equal({ version: 4, xid: 0x2a, type: 'OFPT_ERROR', errType: type, code, data: bytes.subarray(0, 64) });
    });
  }

  it('1.0: the same faults with 1.0 numbers (unknown action, Nicira vendor action, bad flag, unknown stats)', () => {
    const fm10 = (flags: string, actions: string) => {
      const body = hex(`003820ff ${'00'.repeat(36)} ${u64(0n)} 0000 0000 0000 8000 ffffffff ffff ${flags} ${actions}`);
      const h = hex('01 0e 0000 0000002a');
      h.writeUInt16BE(8 + body.length, 2);
      return Buffer.concat([h, body]);
    };
    const cases: [Buffer, string, [number, number]][] = [
      [fm10('0000', '0063 0008 00000000'), 'OFPBAC_BAD_TYPE', [2, 0]],
      [fm10('0000', 'ffff 0010 00002320 0000000000000000'), 'OFPBAC_BAD_EXPERIMENTER', [2, 2]],
      [fm10('0004', ''), 'OFPFMFC_BAD_FLAGS', [3, 2]],
      [fm10('0000', '0008 0008 03 000000'), 'OFPBAC_BAD_ARGUMENT', [2, 5]],
      [hex('01 10 000c 0000002a 0007 0000'), 'OFPBRC_BAD_MULTIPART', [1, 2]],
      [hex('01 18 0008 0000002a'), 'OFPBRC_BAD_TYPE', [1, 1]],
    ];
    for (const [bytes, err, [type, code]] of cases) {
      const e = refusal(bytes);
      expect(e.errorName, bytes.toString('hex')).to.equal(err);
      expect(e.numbers(1)).to.deep.equal({ type, code });
      expect(e.xid).to.equal(0x2a);
    }
  });

  it('a message shorter than a header is a close, not a reply', () => {
    const e = refusal(hex('04 00 00'));
    expect(e.close).to.equal(true);
    expect(e.errorName).to.equal('OFPBRC_BAD_LEN');
  });

  it('an experimenter message decodes, and its refusal is OFPBRC_BAD_EXPERIMENTER', () => {
    const m = decodeMessage(hex('04 04 0010 0000002a 00002320 00000010'));
    if (m.type !== 'OFPT_EXPERIMENTER') throw new Error(m.type);
    const e = unsupportedExperimenter(m);
    expect([e.xid, e.numbers(4), e.numbers(1)]).to.deep.equal([0x2a, { type: 1, code: 3 }, { type: 1, code: 3 }]);
  });

  it('a HELLO of a version we do not speak still decodes (negotiation reads it)', () => {
    expect(decodeMessage(hex('06 00 0010 00000001 0001 0008 00000050'))).to.deep.equal({ version: 6, xid: 1, type: 'OFPT_HELLO', versions: [4, 6] });
    expect(decodeMessage(hex('05 00 0008 00000001'))).to.deep.equal({ version: 5, xid: 1, type: 'OFPT_HELLO' });
  });

  it('the error table: every name has numbers in both versions; numbers map back to their names', () => {
    for (const name of ERROR_NAMES) {
      for (const v of [1, 4]) {
        const n = errorNumbers(name, v);
        expect(n.type, name).to.be.a('number');
        expect(n.code, name).to.be.a('number');
      }
    }
    expect(errorName(4, 9, 4)).to.equal('OFPBMC_BAD_PREREQ');
    expect(errorName(3, 4, 1)).to.equal('OFPFMFC_BAD_COMMAND');
    expect(errorName(5, 7, 4)).to.equal('OFPFMFC_BAD_FLAGS');
    expect(() => errorNumbers('OFPXX_NOPE', 4)).to.throw(/no error named/);
  });
});
