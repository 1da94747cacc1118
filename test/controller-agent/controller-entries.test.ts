// unpackControllerEntries (controller-entries.ts) against records written
// by hand from the layout in datapath/binding/controller_wrap.cc: every
// field at its offset, the 8-byte alignment between records, an empty
// read, and a record claiming more bytes than the read holds.  The
// addon's side of the layout is checked end to end by
// test/datapath/controller-queue.test.ts.
import { expect } from 'chai';

import { unpackControllerEntries } from '../../controller-agent/src/controller-entries';

// One record: header fields at their offsets, then 'data' padded to 8.
function record(f: { reason: number; table: number; maxLen: number; flags: number; inPort: number; totalLen: number; cookie: string; metadata: string }, data: Buffer): Buffer {
  const h = Buffer.from([
    f.reason, f.table, f.maxLen & 0xff, f.maxLen >> 8, f.flags & 0xff, f.flags >> 8, 0, 0,
    f.inPort & 0xff, (f.inPort >> 8) & 0xff, (f.inPort >> 16) & 0xff, f.inPort >>> 24,
    f.totalLen & 0xff, (f.totalLen >> 8) & 0xff, (f.totalLen >> 16) & 0xff, f.totalLen >>> 24,
    ...Buffer.from(f.cookie, 'hex').reverse(), ...Buffer.from(f.metadata, 'hex').reverse(),
    data.length & 0xff, (data.length >> 8) & 0xff, 0, 0, 0, 0, 0, 0,
  ]);
  expect(h.length).to.equal(40);
  return Buffer.concat([h, data, Buffer.alloc((8 - (data.length % 8)) % 8)]);
}

describe('controller entries: the packed read', () => {
  it('reads every field of each record and steps over the padding', () => {
    const a = Buffer.from('0102030405', 'hex');
    const b = Buffer.alloc(64, 0xab);
    const buf = Buffer.concat([
      record({ reason: 1, table: 7, maxLen: 0xffff, flags: 0, inPort: 0x01020304, totalLen: 5, cookie: 'c0de00000000002a', metadata: '0000000000000000' }, a),
      record({ reason: 0, table: 254, maxLen: 64, flags: 1, inPort: 2, totalLen: 1514, cookie: '0000000000000000', metadata: 'ffffffff00000001' }, b),
    ]);
    const [x, y, ...rest] = unpackControllerEntries(buf);
    expect(rest).to.deep.equal([]);
    expect({ ...x, data: x.data.toString('hex') }).to.deep.equal({
      reason: 1, tableId: 7, cookie: 0xc0de00000000002an, metadata: 0n, inPort: 0x01020304, maxLen: 0xffff, tableMiss: false, totalLen: 5, data: '0102030405',
    });
    expect({ ...y, data: y.data.toString('hex') }).to.deep.equal({
      reason: 0, tableId: 254, cookie: 0n, metadata: 0xffffffff00000001n, inPort: 2, maxLen: 64, tableMiss: true, totalLen: 1514, data: b.toString('hex'),
    });
  });

  it('reads nothing from an empty read, and refuses a record longer than the read', () => {
    expect(unpackControllerEntries(Buffer.alloc(0))).to.deep.equal([]);
    const r = record({ reason: 0, table: 0, maxLen: 0, flags: 0, inPort: 1, totalLen: 16, cookie: '0000000000000000', metadata: '0000000000000000' }, Buffer.alloc(16));
    expect(() => unpackControllerEntries(r.subarray(0, 48))).to.throw(/claims 16 bytes, 8 left/);
  });
});
