// Protocol Buffers at the wire level: enough to walk an ONNX model's fields and write new
// ones, copying every field we do not touch byte for byte (so fields of newer ONNX versions
// survive an edit). Malformed input gets a WireError, never a read past the end.

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  Len = 2,
  Fixed32 = 5,
}

export interface WireField {
  field: number;
  type: WireType;
  /** The whole field, tag included. */
  start: number;
  end: number;
  /** The value: for Len, the payload; for the others, its encoded bytes. */
  valueStart: number;
  valueEnd: number;
}

function readVarint(buf: Uint8Array, pos: number, end: number): [value: number, next: number] {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new WireError('a varint runs past the end of its message');
    const b = buf[pos++]!;
    value += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(value)) throw new WireError('a varint is larger than 2^53');
      return [value, pos];
    }
    mul *= 128;
  }
  throw new WireError('a varint is longer than 10 bytes');
}

/** The fields of one message, in order. */
export function readFields(buf: Uint8Array, start = 0, end = buf.length): WireField[] {
  const fields: WireField[] = [];
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [tag, afterTag] = readVarint(buf, pos, end);
    const field = Math.floor(tag / 8);
    const type = tag % 8;
    if (field === 0) throw new WireError('a field number is 0');
    let valueStart = afterTag;
    let valueEnd: number;
    switch (type) {
      case WireType.Varint:
        valueEnd = readVarint(buf, afterTag, end)[1];
        break;
      case WireType.Fixed64:
        valueEnd = afterTag + 8;
        break;
      case WireType.Fixed32:
        valueEnd = afterTag + 4;
        break;
      case WireType.Len: {
        const [len, next] = readVarint(buf, afterTag, end);
        valueStart = next;
        valueEnd = next + len;
        break;
      }
      default:
        throw new WireError(`wire type ${type} (field ${field}) is not supported`);
    }
    if (valueEnd > end) throw new WireError(`field ${field} runs past the end of its message`);
    fields.push({ field, type: type as WireType, start: fieldStart, end: valueEnd, valueStart, valueEnd });
    pos = valueEnd;
  }
  return fields;
}

export const fieldString = (buf: Uint8Array, f: WireField) => new TextDecoder().decode(buf.subarray(f.valueStart, f.valueEnd));
export const fieldVarint = (buf: Uint8Array, f: WireField) => readVarint(buf, f.valueStart, f.valueEnd)[0];

/** A packed or unpacked repeated varint field (e.g. a tensor's dims). */
export function repeatedVarints(buf: Uint8Array, fields: WireField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields.filter((x) => x.field === field)) {
    if (f.type === WireType.Varint) out.push(fieldVarint(buf, f));
    else if (f.type === WireType.Len) for (let p = f.valueStart; p < f.valueEnd;) [out[out.length], p] = readVarint(buf, p, f.valueEnd);
  }
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Writes fields in order; Len fields take bytes, strings or nested messages. */
export class WireWriter {
  private readonly parts: Uint8Array[] = [];

  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    return this;
  }

  varint(field: number, value: number): this {
    return this.raw(Uint8Array.from([...varint(field * 8 + WireType.Varint), ...varint(value)]));
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.raw(Uint8Array.from([...varint(field * 8 + WireType.Fixed32), ...b]));
  }

  bytes(field: number, value: Uint8Array | string | WireWriter): this {
    const payload = typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof WireWriter ? value.finish() : value;
    this.raw(Uint8Array.from([...varint(field * 8 + WireType.Len), ...varint(payload.length)]));
    return this.raw(payload);
  }

  finish(): Uint8Array {
    return concat(this.parts);
  }
}
