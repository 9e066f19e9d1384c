// Small ONNX models built byte by byte for the rewrite tests and the fuzz seeds: an
// inverted bottleneck (1×1 expand → PRelu → depthwise 3×3 → PRelu → 1×1 project) with a
// chosen channel count, written with the same wire writer the rewrites use but with field
// numbers spelled out here from onnx.proto.
import { floatTensor, nodeBytes } from '../onnx-graph.js';
import { WireWriter } from '../protobuf-wire.js';

const FLOAT = 1;

function valueInfo(name: string, dims: number[]): WireWriter {
  const shape = new WireWriter();
  for (const d of dims) shape.bytes(1, new WireWriter().varint(1, d)); // TensorShapeProto.dim { dim_value }
  const tensorType = new WireWriter().varint(1, FLOAT).bytes(2, shape); // TypeProto.Tensor { elem_type, shape }
  return new WireWriter().bytes(1, name).bytes(2, new WireWriter().bytes(1, tensorType)); // ValueInfoProto { name, type { tensor_type } }
}

function intsAttr(name: string, values: number[]): WireWriter {
  const w = new WireWriter().bytes(1, name);
  for (const v of values) w.varint(8, v); // AttributeProto.ints
  return w.varint(20, 7); // type INTS
}

function withAttrs(node: Uint8Array, attrs: WireWriter[]): Uint8Array {
  const w = new WireWriter().raw(node);
  for (const a of attrs) w.bytes(5, a);
  return w.finish();
}

/** Deterministic weights in [-1, 1). */
function weights(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export interface BottleneckOptions {
  channels: number;
  opset?: number;
  /** The second PRelu reads the first one's slope (a shared initializer). */
  sharedSlope?: boolean;
  /** The depthwise output is also a graph output. */
  exposeMiddle?: boolean;
  /** Slope shape: [C,1,1] (default) or [C]. */
  flatSlope?: boolean;
  /** Extra name used by one node, e.g. to collide with the rewrite's prefix. */
  nodeName?: string;
  /** A second 6-channel bottleneck after the first, whose expand conv is the first's projection. */
  chained?: boolean;
}

/** Input `x` [1,4,8,8] → output `y` [1,6,8,8]. */
export function bottleneckModel(o: BottleneckOptions): Uint8Array {
  const c = o.channels;
  const slopeDims = o.flatSlope ? [c] : [c, 1, 1];
  const g = new WireWriter();
  const conv = (name: string, inputs: string[], output: string, attrs: WireWriter[]) =>
    g.bytes(1, withAttrs(nodeBytes('Conv', name, inputs, [output]), attrs));
  conv(o.nodeName ?? 'expand', ['x', 'we', 'be'], 'e', [intsAttr('kernel_shape', [1, 1])]);
  g.bytes(1, nodeBytes('PRelu', 'p1', ['e', 's1'], ['e_act']));
  conv('dw', ['e_act', 'wd', 'bd'], 'd', [
    intsAttr('kernel_shape', [3, 3]),
    intsAttr('pads', [1, 1, 1, 1]),
    new WireWriter().bytes(1, 'group').varint(3, c).varint(20, 2),
  ]);
  g.bytes(1, nodeBytes('PRelu', 'p2', ['d', o.sharedSlope ? 's1' : 's2'], ['d_act']));
  conv('project', ['d_act', 'wp'], o.chained ? 'm' : 'y', [intsAttr('kernel_shape', [1, 1])]);
  if (o.chained) {
    g.bytes(1, nodeBytes('PRelu', 'p3', ['m', 's3'], ['m_act']));
    conv('dw2', ['m_act', 'wd2', 'bd2'], 'm2', [
      intsAttr('kernel_shape', [3, 3]),
      intsAttr('pads', [1, 1, 1, 1]),
      new WireWriter().bytes(1, 'group').varint(3, 6).varint(20, 2),
    ]);
    g.bytes(1, nodeBytes('PRelu', 'p4', ['m2', 's4'], ['m2_act']));
    conv('project2', ['m2_act', 'wp2'], 'y', [intsAttr('kernel_shape', [1, 1])]);
    g.bytes(
      5,
      floatTensor(
        's3',
        [6, 1, 1],
        weights(6, 8).map((v) => v * 0.5),
      ),
    );
    g.bytes(5, floatTensor('wd2', [6, 1, 3, 3], weights(54, 9)));
    g.bytes(5, floatTensor('bd2', [6], weights(6, 10)));
    g.bytes(
      5,
      floatTensor(
        's4',
        [6, 1, 1],
        weights(6, 11).map((v) => v * 0.5),
      ),
    );
    g.bytes(5, floatTensor('wp2', [6, 6, 1, 1], weights(36, 12)));
  }
  g.bytes(2, 'bottleneck');
  g.bytes(5, floatTensor('we', [c, 4, 1, 1], weights(c * 4, 1)));
  g.bytes(5, floatTensor('be', [c], weights(c, 2)));
  g.bytes(
    5,
    floatTensor(
      's1',
      slopeDims,
      weights(c, 3).map((v) => v * 0.5),
    ),
  );
  g.bytes(5, floatTensor('wd', [c, 1, 3, 3], weights(c * 9, 4)));
  g.bytes(5, floatTensor('bd', [c], weights(c, 5)));
  if (!o.sharedSlope)
    g.bytes(
      5,
      floatTensor(
        's2',
        slopeDims,
        weights(c, 6).map((v) => v * 0.5),
      ),
    );
  g.bytes(5, floatTensor('wp', [6, c, 1, 1], weights(6 * c, 7)));
  g.bytes(11, valueInfo('x', [1, 4, 8, 8]));
  g.bytes(12, valueInfo('y', [1, 6, 8, 8]));
  if (o.exposeMiddle) g.bytes(12, valueInfo('d', [1, c, 8, 8]));
  g.bytes(13, valueInfo('e_act', [1, c, 8, 8]));
  const opset = new WireWriter().bytes(1, '').varint(2, o.opset ?? 13);
  return new WireWriter().varint(1, 8).bytes(8, opset).bytes(7, g).finish(); // ir_version 8
}
