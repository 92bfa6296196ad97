import { EventPatternError } from './patternError.ts';
import type { ValueTest } from './jsonValues.ts';

/** IP addresses (IPv4, IPv6, IPv4-mapped IPv6) and the `cidr` operator of event patterns. */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The longest spelling of an address (`ffff:…:255.255.255.255` is 45); longer text is not one. */
const MAX_ADDRESS_LENGTH = 45;

/**
 * 4 or 16 bytes; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) becomes IPv4, as in Java. Event
 * strings of any length reach here: the length check comes first, so the shape tests stay bounded
 * (IPV6_SHAPE takes quadratic time on a long run of colons).
 */
export function parseIpAddress(text: string): Uint8Array | undefined {
  if (text.length > MAX_ADDRESS_LENGTH) return undefined;
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (!IPV6_SHAPE.test(text)) return undefined;
  const bytes = parseIpv6(text);
  if (bytes === undefined) return undefined;
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.').map((part) => Number.parseInt(part, 10));
  return parts.every((part) => part <= 255) ? Uint8Array.from(parts) : undefined;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const gap = text.indexOf('::');
  if (gap !== -1 && text.includes('::', gap + 1)) return undefined;
  const head = splitGroups(gap === -1 ? text : text.slice(0, gap));
  const tail = splitGroups(gap === -1 ? '' : text.slice(gap + 2));
  if (head === undefined || tail === undefined) return undefined;
  const count = head.length + tail.length;
  if (gap === -1 ? count !== 8 : count > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

function splitGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  if (!groups.every((group) => IPV6_GROUP.test(group))) return undefined;
  return groups.map((group) => Number.parseInt(group, 16));
}

/**
 * `address/bits`. As in event-ruler, the mask must be below 32 (IPv4) or 128 (IPv6): a single
 * address is written as a plain string value instead.
 */
export function parseCidr(text: string, at: string): ValueTest {
  const parts = text.split('/');
  const [addressText, bitsText] = parts;
  if (parts.length !== 2 || addressText === undefined || bitsText === undefined) {
    throw new EventPatternError(at, `"cidr" "${text}" is malformed: exactly one "/" is required`);
  }
  if (!/^\d+$/.test(bitsText)) {
    throw new EventPatternError(
      at,
      `"cidr" "${text}" is malformed: mask bits must be a non-negative integer`,
    );
  }
  const address = parseIpAddress(addressText);
  if (address === undefined) throw new EventPatternError(at, `"cidr" "${text}" has an invalid IP address`);
  const bits = Number(bitsText);
  const maxBits = address.length * 8 - 1;
  if (bits > maxBits) {
    throw new EventPatternError(
      at,
      `"cidr" "${text}": mask bits must be at most ${maxBits} (match one address with a plain string value)`,
    );
  }
  const network = maskAddress(address, bits);
  return (v) => {
    if (typeof v !== 'string') return false;
    const candidate = parseIpAddress(v);
    // sameBytes also compares lengths, so an IPv4 address never falls in an IPv6 block.
    return candidate !== undefined && sameBytes(maskAddress(candidate, bits), network);
  };
}

function maskAddress(address: Uint8Array, bits: number): Uint8Array {
  return address.map((byte, index) => {
    const keep = Math.min(8, Math.max(0, bits - index * 8));
    return byte & (0xff << (8 - keep)) & 0xff;
  });
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((byte, index) => byte === b[index]);
}
