// UTF-8 helpers of SseDecoder: where a chunk ends inside a sequence (so the rest of it is
// awaited), and how much of a chunk was valid (so that every event before a bad byte is
// still delivered).

/**
 * How many bytes at the end of `bytes` begin a multi-byte sequence that they do not
 * complete (0 to 3). Bytes that can never complete one are left to the decoder to refuse.
 */
export function incompleteTailLength(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking back
    return sequenceLength(byte) > back ? back : 0;
  }
  return 0;
}

/** The length of the longest prefix of `bytes` made of complete, valid UTF-8 sequences. */
export function validUtf8PrefixLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes[i]);
    if (length === 0 || i + length > bytes.length) return i;
    let valid = true;
    for (let k = 1; k < length; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) valid = false;
    }
    // Reject overlong forms, surrogates and code points above U+10FFFF.
    const second = bytes[i + 1];
    if (length === 3 && bytes[i] === 0xe0 && second < 0xa0) valid = false;
    if (length === 3 && bytes[i] === 0xed && second > 0x9f) valid = false;
    if (length === 4 && bytes[i] === 0xf0 && second < 0x90) valid = false;
    if (length === 4 && bytes[i] === 0xf4 && second > 0x8f) valid = false;
    if (!valid) return i;
    i += length;
  }
  return i;
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}
