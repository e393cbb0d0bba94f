import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasSuccessCode, HEYGEN_FACTS } from '../facts.js';
import { KONPRO_FACTS } from '../../konpro/facts.js';

test('HeyGen-family success codes: absent or a listed number; strings never pass as KonPro 0', () => {
  const cases: [unknown, boolean, boolean][] = [
    // code, HeyGen, KonPro
    [undefined, true, true],
    [null, true, true],
    [100, true, true],
    [0, false, true],
    [200, false, true],
    ['', false, false],
    ['0', false, false],
    ['100', false, false],
    [400006, false, false],
  ];
  for (const [code, heygen, konpro] of cases) {
    const body = code === undefined ? {} : { code };
    assert.equal(hasSuccessCode(body, HEYGEN_FACTS.successCodes), heygen, `HeyGen ${JSON.stringify(code)}`);
    assert.equal(hasSuccessCode(body, KONPRO_FACTS.successCodes), konpro, `KonPro ${JSON.stringify(code)}`);
  }
});
