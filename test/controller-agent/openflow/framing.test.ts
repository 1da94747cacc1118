// The framer against the golden messages: every split offset, several
// messages per chunk, a header length below 8 (close), oversized messages
// (reported and skipped, the stream goes on).
import { expect } from 'chai';
import { Framer, FramingError } from '../../../controller-agent/src/openflow';
import { FIXTURES_13 } from './fixtures13';
import { FIXTURES_10 } from './fixtures10';
import { hex } from './golden';

const messages = [...FIXTURES_13, ...FIXTURES_10].map((f) => f.bytes).slice(0, 40);
const stream = Buffer.concat(messages);

const bytesOf = (frames: ReturnType<Framer['push']>) => frames.map((f) => (f.kind === 'message' ? f.bytes.toString('hex') : `oversized:${f.length}`));

describe('openflow codec: framing', () => {
  it('cuts a stream split at every byte offset into the same messages', () => {
    for (let at = 0; at <= stream.length; at++) {
      const f = new Framer();
      const out = [...f.push(stream.subarray(0, at)), ...f.push(stream.subarray(at))];
      expect(bytesOf(out), `split at ${at}`).to.deep.equal(messages.map((m) => m.toString('hex')));
      expect(f.buffered).to.equal(0);
    }
  });

  it('handles one byte at a time and all messages in one chunk', () => {
    const f = new Framer();
    const out = [];
    for (const b of stream) out.push(...f.push(Buffer.from([b])));
    expect(bytesOf(out)).to.deep.equal(messages.map((m) => m.toString('hex')));
    expect(bytesOf(new Framer().push(stream))).to.deep.equal(messages.map((m) => m.toString('hex')));
  });

  it('keeps a partial message until the rest arrives, and copies it out of the caller\'s chunk', () => {
    const f = new Framer();
    const chunk = Buffer.from(messages[0]);
    expect(f.push(chunk.subarray(0, 5))).to.deep.equal([]);
    expect(f.buffered).to.equal(5);
    const out = f.push(chunk.subarray(5));
    chunk.fill(0);
    expect(bytesOf(out)).to.deep.equal([messages[0].toString('hex')]);
  });

  it('refuses a header length below 8 and every later chunk (the connection must close)', () => {
    const f = new Framer();
    expect(f.push(hex('04 02 0008 00000001'))).to.have.length(1);
    expect(() => f.push(hex('04 02 0007 00000002'))).to.throw(FramingError, /length 7 < 8/);
    expect(() => f.push(hex('04 02 0008 00000003'))).to.throw(FramingError);
  });

  it('reports a message above the limit with its first 64 bytes, skips it and goes on', () => {
    const f = new Framer(100);
    const big = Buffer.alloc(300, 0xab);
    hex('04 0e 012c 00000009').copy(big);
    const echo = hex('04 02 0008 0000000a');
    const out = [...f.push(Buffer.concat([big.subarray(0, 70)])), ...f.push(Buffer.concat([big.subarray(70), echo]))];
    expect(out).to.have.length(2);
    const o = out[0];
    if (o.kind !== 'oversized') throw new Error('expected an oversized frame');
    expect([o.version, o.type, o.xid, o.length]).to.deep.equal([4, 14, 9, 300]);
    expect(o.head.equals(big.subarray(0, 64))).to.equal(true);
    expect(bytesOf([out[1]])).to.deep.equal([echo.toString('hex')]);
  });

  it('refuses a limit the 16-bit length field cannot reach', () => {
    expect(() => new Framer(70000)).to.throw(RangeError);
    expect(() => new Framer(7)).to.throw(RangeError);
  });
});
