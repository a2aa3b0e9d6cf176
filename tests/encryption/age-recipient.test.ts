// The config's recipient check (src/config/age-recipient.ts, loaded without age-encryption) must give the same
// verdict as age-encryption, which encrypts the archives: every real key passes, every one-character typo fails.
import { Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { isAgeRecipient } from '../../src/config/age-recipient.js';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function ageAccepts(text: string): boolean {
  try {
    new Encrypter().addRecipient(text);
    return true;
  } catch {
    return false;
  }
}

describe('age recipient check', () => {
  it('accepts what age-encryption accepts and refuses every one-character change of a real key', async () => {
    let refused = 0;
    for (let key = 0; key < 8; key += 1) {
      const recipient = await identityToRecipient(await generateX25519Identity());
      expect(isAgeRecipient(recipient)).toBe(true);
      expect(ageAccepts(recipient)).toBe(true);
      for (let at = 4; at < recipient.length; at += 1) {
        const other = CHARSET[(CHARSET.indexOf(recipient[at]!) + 1 + key) % CHARSET.length]!;
        const typo = recipient.slice(0, at) + other + recipient.slice(at + 1);
        expect(isAgeRecipient(typo), typo).toBe(ageAccepts(typo));
        if (!isAgeRecipient(typo)) refused += 1;
      }
    }
    expect(refused).toBe(8 * 58);
  });

  it('refuses other forms: wrong prefix, upper case, wrong length', () => {
    for (const text of ['age1', 'AGE1QL3Z7HJY54PW3HYWW5AYYFG7ZQGVC7W3J2ELW8ZMRJ2KG5SFN9AQMCAC8P', 'age1notakey']) {
      expect(isAgeRecipient(text)).toBe(false);
    }
    expect(isAgeRecipient('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p')).toBe(true);
    expect(isAgeRecipient('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8q')).toBe(false);
  });
});
