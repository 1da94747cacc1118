// Every golden message of OpenFlow 1.3 and 1.0: decode(bytes) is the model,
// encode(model) is the bytes, both round trips hold, and real ovs-ofctl
// reads the same bytes the way the fixture says.
import { expect } from 'chai';
import { decodeMessage, encodeMessage } from '../../../controller-agent/src/openflow';
import { FIXTURES_10 } from './fixtures10';
import { Fixture, FIXTURES_13 } from './fixtures13';
import { ofpPrint, ovsOfctlAvailable } from './ofp-print';

function suite(version: string, fixtures: Fixture[]): void {
  describe(`openflow codec: OpenFlow ${version} golden messages`, () => {
    for (const f of fixtures) {
      describe(f.name, () => {
        it('decodes to the model', () => expect(decodeMessage(f.bytes)).to.deep.equal(f.model));
        it('encodes to the bytes', () => expect(encodeMessage(f.model).toString('hex')).to.equal(f.bytes.toString('hex')));
        it('round-trips both ways', () => {
          expect(decodeMessage(encodeMessage(f.model))).to.deep.equal(f.model);
          expect(encodeMessage(decodeMessage(f.bytes)).equals(f.bytes)).to.equal(true);
        });
        if (f.print) {
          it('is read the same way by ovs-ofctl ofp-print', function () {
            if (!ovsOfctlAvailable()) this.skip();
            const text = ofpPrint(f.bytes).replace(/\s+/g, ' ');
            for (const s of f.print!) expect(text).to.include(s.replace(/\s+/g, ' '));
          });
        }
      });
    }
  });
}

suite('1.3', FIXTURES_13);
suite('1.0', FIXTURES_10);
