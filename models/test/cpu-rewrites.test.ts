// The CPU rewrites on small models built byte by byte: what they change, what they must
// leave alone, and that onnxruntime computes the same outputs before and after.
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { rewriteForCpu } from '../cpu-rewrites.js';
import { parseOnnx } from '../onnx-graph.js';
import { readFields, WireError, WireWriter } from '../protobuf-wire.js';
import { bottleneckModel } from './onnx-fixtures.js';

async function outputs(model: Uint8Array, input: Float32Array): Promise<Record<string, Float32Array>> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const out = await s.run({ x: new ort.Tensor('float32', input, [1, 4, 8, 8]) });
  await s.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

const input = Float32Array.from({ length: 4 * 8 * 8 }, (_, i) => Math.sin(i * 0.7) * 3);

async function expectSameOutputs(a: Uint8Array, b: Uint8Array): Promise<void> {
  const [oa, ob] = [await outputs(a, input), await outputs(b, input)];
  expect(Object.keys(ob).sort()).toEqual(Object.keys(oa).sort());
  for (const k of Object.keys(oa)) {
    expect(ob[k]!.length).toBe(oa[k]!.length);
    oa[k]!.forEach((v, i) => expect(Math.abs(ob[k]![i]! - v)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
  }
}

describe('protobuf wire reader', () => {
  it('reads varint, fixed and length-delimited fields', () => {
    const bytes = new WireWriter().varint(1, 300).float(2, 1.5).bytes(3, 'abc').finish();
    expect(readFields(bytes).map((f) => [f.field, f.type, f.valueEnd - f.valueStart])).toEqual([
      [1, 0, 2],
      [2, 5, 4],
      [3, 2, 3],
    ]);
  });

  it.each([
    ['a truncated varint', [0x08, 0x80]],
    ['a length past the end', [0x1a, 0x05, 0x61]],
    ['a group (wire type 3)', [0x0b]],
    ['field number 0', [0x00, 0x01]],
    ['an 11-byte varint', [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ])('refuses %s with a WireError', (_, bytes) => {
    expect(() => readFields(Uint8Array.from(bytes))).toThrow(WireError);
  });
});

describe('CPU rewrites', () => {
  it('pads a 5-channel bottleneck to 8 and rewrites both PRelu, with the same outputs', async () => {
    const model = bottleneckModel({ channels: 5 });
    const r = rewriteForCpu(model);
    expect(r).toMatchObject({ padded: 1, prelu: 2 });
    const g = parseOnnx(r.bytes)!;
    expect(g.initializers.get('we')!.dims).toEqual([8, 4, 1, 1]);
    expect(g.initializers.get('wp')!.dims).toEqual([6, 8, 1, 1]);
    expect(g.nodes.find((n) => n.name === 'dw')!.ints.get('group')).toBe(8);
    expect(g.nodes.some((n) => n.op === 'PRelu')).toBe(false);
    await expectSameOutputs(model, r.bytes);
  });

  it('rewrites PRelu but pads nothing when the channels are already a multiple of 8', async () => {
    const model = bottleneckModel({ channels: 16 });
    expect(rewriteForCpu(model)).toMatchObject({ padded: 0, prelu: 2 });
    await expectSameOutputs(model, rewriteForCpu(model).bytes);
  });

  it('does not pad when a slope is shared or a middle tensor is a graph output', async () => {
    for (const model of [bottleneckModel({ channels: 5, sharedSlope: true }), bottleneckModel({ channels: 5, exposeMiddle: true })]) {
      const r = rewriteForCpu(model);
      expect(r.padded).toBe(0);
      await expectSameOutputs(model, r.bytes);
    }
  });

  it('pads only the first of two chained bottlenecks that share a convolution', async () => {
    const model = bottleneckModel({ channels: 5, chained: true });
    const r = rewriteForCpu(model);
    expect(r).toMatchObject({ padded: 1, prelu: 4 });
    expect(parseOnnx(r.bytes)!.initializers.get('wp')!.dims).toEqual([6, 8, 1, 1]);
    await expectSameOutputs(model, r.bytes);
  });

  it('leaves a PRelu whose slope broadcasts along the width (not per channel) alone', async () => {
    const model = bottleneckModel({ channels: 8, flatSlope: true });
    const r = rewriteForCpu(model);
    expect(r.prelu).toBe(0);
    await expectSameOutputs(model, r.bytes);
  });

  it('returns the very same bytes for old opsets, clashing names and non-models', () => {
    for (const model of [
      bottleneckModel({ channels: 5, opset: 8 }),
      bottleneckModel({ channels: 5, nodeName: 'kiosk_cpu_x' }),
      Uint8Array.of(1, 2, 3),
      new Uint8Array(0),
    ]) {
      const r = rewriteForCpu(model);
      expect(r.bytes).toBe(model);
      expect(r.prelu + r.padded).toBe(0);
    }
  });
});
