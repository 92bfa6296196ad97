import { describe, expect, it } from 'vitest';
import { parseCidr, parseIpAddress, sameBytes } from '../../../../functions/core/eventPattern/ipAddress.ts';

/** IP addresses and the `cidr` operator of event patterns (functions/core/eventPattern/ipAddress.ts). */
describe('parseIpAddress', () => {
  it('reads IPv4 as 4 bytes and IPv6 as 16, with :: filled in', () => {
    expect([...parseIpAddress('10.0.255.1')!]).toEqual([10, 0, 255, 1]);
    expect([...parseIpAddress('2001:db8::1')!]).toEqual([0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1]);
    expect([...parseIpAddress('::')!]).toEqual(Array(16).fill(0));
    expect(parseIpAddress('1:2:3:4:5:6:7:8')).toHaveLength(16);
  });

  it('reads an IPv4-mapped IPv6 address as IPv4', () => {
    expect([...parseIpAddress('::ffff:c000:0201')!]).toEqual([192, 0, 2, 1]);
  });

  it('is not fooled by text that only looks like an address', () => {
    for (const text of ['256.0.0.1', '1.2.3', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', 'host', ''])
      expect(parseIpAddress(text), text).toBeUndefined();
    // a long run of colons is refused by its length, before any pattern runs on it
    expect(parseIpAddress(':'.repeat(100_000))).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('matches the addresses of the block, in any spelling, and only strings', () => {
    const inBlock = parseCidr('10.0.0.0/24', 'ip');
    expect(inBlock('10.0.0.7')).toBe(true);
    expect(inBlock('10.0.1.7')).toBe(false);
    expect(inBlock('::ffff:10.0.0.9' as never)).toBe(false); // a mapped address is spelled in hex groups only
    expect(inBlock('::ffff:a00:9')).toBe(true);
    expect(inBlock(10)).toBe(false);
    const v6 = parseCidr('2001:db8::/32', 'ip');
    expect(v6('2001:0db8:ffff::1')).toBe(true);
    expect(v6('2001:db9::1')).toBe(false);
    expect(v6('10.0.0.1')).toBe(false); // an IPv4 address never falls in an IPv6 block
    expect(parseCidr('10.0.0.0/0', 'ip')('200.1.1.1')).toBe(true);
  });

  it('refuses a malformed block, naming the path and the problem', () => {
    expect(() => parseCidr('10.0.0.0', 'detail.ip')).toThrow(
      'detail.ip: "cidr" "10.0.0.0" is malformed: exactly one "/" is required',
    );
    expect(() => parseCidr('10.0.0.0/x', 'ip')).toThrow('mask bits must be a non-negative integer');
    expect(() => parseCidr('10.0.0.300/8', 'ip')).toThrow('has an invalid IP address');
    expect(() => parseCidr('10.0.0.1/32', 'ip')).toThrow(
      'mask bits must be at most 31 (match one address with a plain string value)',
    );
    expect(() => parseCidr('::1/128', 'ip')).toThrow('at most 127');
  });
});

describe('sameBytes', () => {
  it('compares lengths and bytes', () => {
    expect(sameBytes(Uint8Array.from([1, 2]), Uint8Array.from([1, 2]))).toBe(true);
    expect(sameBytes(Uint8Array.from([1, 2]), Uint8Array.from([1, 2, 0]))).toBe(false);
    expect(sameBytes(undefined, Uint8Array.from([1]))).toBe(false);
  });
});
