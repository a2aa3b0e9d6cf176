// The masking rule: secrets longer than 5 characters are masked wherever they occur; shorter ones only as whole
// tokens, so a short secret never mangles the words and names around it.
import { describe, expect, it } from 'vitest';
import { Redactor, redactStrings } from '../../src/util/redact.js';

describe('Redactor', () => {
  it('masks a long secret everywhere and a short one only as a whole token', () => {
    const r = new Redactor();
    r.add('backup');
    r.add('pg1');
    expect(r.redact('backups of backup in /srv/backup/x')).toBe('***s of *** in /srv/***/x');
    expect(r.redact('pg1 and pg12 and xpg1 and (pg1)')).toBe('*** and pg12 and xpg1 and (***)');
  });

  it('redactStrings masks values, never keys', () => {
    const r = new Redactor();
    r.add('paths-secret');
    expect(redactStrings({ 'paths-secret': ['a paths-secret b'], n: 1 }, (t) => r.redact(t))).toEqual({
      'paths-secret': ['a *** b'],
      n: 1,
    });
  });
});
