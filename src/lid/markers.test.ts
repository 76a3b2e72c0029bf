// The BCMS marker lists are independent of the evaluation text they were written against: no
// marker word occurs in a held-out UD or UDHR sentence of hr/sr/bs/cnr (so they cannot have been
// picked from it). FLORES, EXAMS and gettext text was never looked at when the lists were written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCorpus } from './data.js';
import { normalize } from './features.js';
import { BCMS_MARKERS, suffixClass } from './markers.js';
import { cyrlToLatn } from './script.js';

test('no marker word occurs in the held-out UD/UDHR BCMS sentences', () => {
  const held = new Set<string>();
  for (const s of loadCorpus(['hr', 'sr', 'bs', 'cnr'], ['ud', 'udhr']).heldout) for (const w of normalize(cyrlToLatn(s.text)).split(' ')) if (w) held.add(w);
  const hits = Object.values(BCMS_MARKERS)
    .flat()
    .filter((w) => held.has(w));
  assert.deepEqual(hits, []);
});

test('suffix classes: -irati (hr, bs) vs -ovati (sr, cnr)', () => {
  assert.equal(suffixClass('privatiziran'), 0);
  assert.equal(suffixClass('organizirati'), 0);
  assert.equal(suffixClass('privatizovan'), 1);
  assert.equal(suffixClass('kuća'), -1);
});
