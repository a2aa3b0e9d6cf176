// Checks an age X25519 recipient (`age1…`: Bech32, BIP 173, of a 32-byte public key) without loading
// age-encryption and its post-quantum dependencies, which would double `config check`'s start-up. The archive
// sink still hands the recipient to age-encryption; tests/encryption/age-recipient.test.ts holds the two to the
// same verdict.
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const value of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i += 1) if ((top >>> i) & 1) chk ^= GENERATOR[i]!;
  }
  return chk;
}

/** True when `text` is `age1` + 58 Bech32 characters whose checksum holds and whose 52 data groups are 32 bytes. */
export function isAgeRecipient(text: string): boolean {
  if (!/^age1[02-9ac-hj-np-z]{58}$/.test(text)) return false;
  const hrp = [...'age'].map((c) => c.charCodeAt(0));
  const data = [...text.slice(4)].map((c) => CHARSET.indexOf(c));
  const expanded = [...hrp.map((c) => c >> 5), 0, ...hrp.map((c) => c & 31), ...data];
  if (polymod(expanded) !== 1) return false;
  // 52 groups of 5 bits = 260 bits: 32 bytes and 4 padding bits, which must be zero.
  return (data[51]! & 0b1111) === 0;
}
