// The parts of an ONNX model the CPU rewrites need (cpu-rewrites.ts): its default-domain
// opset, the top graph's nodes and float initializers; and the writer that puts an edited
// graph back together. Everything an edit does not name is copied byte for byte.
import { fieldString, fieldVarint, readFields, repeatedVarints, WireError, WireType, WireWriter, type WireField } from './protobuf-wire.js';

// ONNX field numbers (onnx.proto).
const MODEL = { opsetImport: 8, graph: 7 } as const;
const OPSET = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const ATTR = { name: 1, f: 2, i: 3, type: 20 } as const;
const ATTR_TYPE = { float: 1, int: 2 } as const;
const TENSOR = { dims: 1, dataType: 2, floatData: 4, name: 8, rawData: 9, dataLocation: 14 } as const;
const VALUE_INFO = { name: 1 } as const;
const FLOAT = 1;

export interface GraphNode {
  index: number;
  op: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes (e.g. a Conv's group). */
  ints: Map<string, number>;
  fields: WireField[];
}

export interface Initializer {
  name: string;
  dims: number[];
  /** The values of a float tensor stored in the file; null for any other kind. */
  floats: Float32Array | null;
}

export interface OnnxGraph {
  /** The model the graph was parsed from (edits copy from it). */
  readonly bytes: Uint8Array;
  opset: number;
  nodes: GraphNode[];
  initializers: Map<string, Initializer>;
  /** Tensor name → the nodes that read it. */
  consumers: Map<string, GraphNode[]>;
  graphOutputs: Set<string>;
  /** Graph inputs (old models list their initializers here too, with a fixed shape). */
  graphInputs: Set<string>;
  /** Every node and tensor name in the graph, to keep new names unique. */
  names: Set<string>;
}

export interface GraphEdit {
  /** Node index → the nodes that take its place (empty: removed). */
  nodes: Map<number, Uint8Array[]>;
  /** Initializers replaced (same name) by these encodings. */
  initializers: Map<string, Uint8Array>;
  /** Initializers added at the end. */
  added: Uint8Array[];
  /** value_info entries to drop (their shapes changed). */
  dropValueInfo: Set<string>;
}

export const emptyEdit = (): GraphEdit => ({ nodes: new Map(), initializers: new Map(), added: [], dropValueInfo: new Set() });

interface Parsed extends OnnxGraph {
  top: WireField[];
  graphField: WireField;
  graphFields: WireField[];
}

const strings = (buf: Uint8Array, fields: WireField[], field: number) =>
  fields.filter((f) => f.field === field).map((f) => fieldString(buf, f));

function floatValues(buf: Uint8Array, t: WireField[], count: number): Float32Array | null {
  const type = t.find((f) => f.field === TENSOR.dataType);
  if (!type || fieldVarint(buf, type) !== FLOAT || t.some((f) => f.field === TENSOR.dataLocation)) return null;
  const raw = t.find((f) => f.field === TENSOR.rawData);
  const spans = raw ? [raw] : t.filter((f) => f.field === TENSOR.floatData);
  if (spans.some((f) => f.type !== WireType.Len && f.type !== WireType.Fixed32)) return null;
  // The bytes present must be exactly the declared shape's: checked before allocating, so a
  // tensor that claims a huge shape costs nothing.
  if (spans.reduce((n, f) => n + (f.valueEnd - f.valueStart), 0) !== count * 4) return null;
  const out = new Float32Array(count);
  let n = 0;
  for (const f of spans) {
    const view = new DataView(buf.buffer, buf.byteOffset + f.valueStart, f.valueEnd - f.valueStart);
    for (let p = 0; p + 4 <= view.byteLength; p += 4) out[n++] = view.getFloat32(p, true);
  }
  return out;
}

/** Parses what the rewrites need; null when the model is not one they can work on. */
export function parseOnnx(bytes: Uint8Array): OnnxGraph | null {
  try {
    return parse(bytes);
  } catch (err) {
    if (err instanceof WireError) return null; // onnxruntime will give its own error
    throw err;
  }
}

function parse(bytes: Uint8Array): Parsed | null {
  const top = readFields(bytes);
  const opsetField = top
    .filter((f) => f.field === MODEL.opsetImport && f.type === WireType.Len)
    .map((f) => readFields(bytes, f.valueStart, f.valueEnd))
    .find((o) => ['', 'ai.onnx'].includes(strings(bytes, o, OPSET.domain)[0] ?? ''))
    ?.find((f) => f.field === OPSET.version);
  const graphs = top.filter((f) => f.field === MODEL.graph && f.type === WireType.Len);
  if (!opsetField || graphs.length !== 1) return null;
  const graphField = graphs[0]!;
  const graphFields = readFields(bytes, graphField.valueStart, graphField.valueEnd);
  const names = new Set<string>();
  const initializers = new Map<string, Initializer>();
  for (const f of graphFields.filter((x) => x.field === GRAPH.initializer && x.type === WireType.Len)) {
    const t = readFields(bytes, f.valueStart, f.valueEnd);
    const name = strings(bytes, t, TENSOR.name)[0] ?? '';
    const dims = repeatedVarints(bytes, t, TENSOR.dims);
    const count = dims.reduce((a, b) => a * b, 1);
    initializers.set(name, { name, dims, floats: floatValues(bytes, t, count) });
    names.add(name);
  }
  const nodes: GraphNode[] = [];
  const consumers = new Map<string, GraphNode[]>();
  graphFields.forEach((f, index) => {
    if (f.field !== GRAPH.node || f.type !== WireType.Len) return;
    const fields = readFields(bytes, f.valueStart, f.valueEnd);
    const ints = new Map<string, number>();
    for (const a of fields.filter((x) => x.field === NODE.attribute && x.type === WireType.Len)) {
      const af = readFields(bytes, a.valueStart, a.valueEnd);
      const i = af.find((x) => x.field === ATTR.i && x.type === WireType.Varint);
      if (i) ints.set(strings(bytes, af, ATTR.name)[0] ?? '', fieldVarint(bytes, i));
    }
    const node: GraphNode = {
      index,
      op: strings(bytes, fields, NODE.opType)[0] ?? '',
      domain: strings(bytes, fields, NODE.domain)[0] ?? '',
      name: strings(bytes, fields, NODE.name)[0] ?? '',
      inputs: strings(bytes, fields, NODE.input),
      outputs: strings(bytes, fields, NODE.output),
      ints,
      fields,
    };
    nodes.push(node);
    names.add(node.name);
    for (const o of node.outputs) names.add(o);
    for (const i of node.inputs) {
      names.add(i);
      const list = consumers.get(i) ?? [];
      list.push(node);
      consumers.set(i, list);
    }
  });
  const valueNames = (field: number) =>
    new Set(
      graphFields
        .filter((x) => x.field === field && x.type === WireType.Len)
        .map((f) => strings(bytes, readFields(bytes, f.valueStart, f.valueEnd), VALUE_INFO.name)[0] ?? ''),
    );
  const graphOutputs = valueNames(GRAPH.output);
  const graphInputs = valueNames(GRAPH.input);
  return {
    bytes,
    top,
    graphField,
    graphFields,
    opset: fieldVarint(bytes, opsetField),
    nodes,
    initializers,
    consumers,
    graphOutputs,
    graphInputs,
    names,
  };
}

/** A float initializer's encoding (raw little-endian data). */
export function floatTensor(name: string, dims: number[], values: Float32Array): Uint8Array {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  const w = new WireWriter();
  for (const d of dims) w.varint(TENSOR.dims, d);
  return w.varint(TENSOR.dataType, FLOAT).bytes(TENSOR.name, name).bytes(TENSOR.rawData, raw).finish();
}

/** A new node's encoding; `floats` become float attributes. */
export function nodeBytes(op: string, name: string, inputs: string[], outputs: string[], floats: Record<string, number> = {}): Uint8Array {
  const w = new WireWriter();
  for (const i of inputs) w.bytes(NODE.input, i);
  for (const o of outputs) w.bytes(NODE.output, o);
  w.bytes(NODE.name, name).bytes(NODE.opType, op);
  for (const [k, v] of Object.entries(floats))
    w.bytes(NODE.attribute, new WireWriter().bytes(ATTR.name, k).float(ATTR.f, v).varint(ATTR.type, ATTR_TYPE.float));
  return w.finish();
}

/** A copy of an existing node with some integer attributes set to new values. */
export function withInts(graph: OnnxGraph, node: GraphNode, ints: Record<string, number>): Uint8Array {
  const buf = graph.bytes;
  const w = new WireWriter();
  for (const f of node.fields) {
    if (f.field === NODE.attribute && f.type === WireType.Len) {
      const name = strings(buf, readFields(buf, f.valueStart, f.valueEnd), ATTR.name)[0] ?? '';
      if (name in ints) continue;
    }
    w.raw(buf.subarray(f.start, f.end));
  }
  for (const [k, v] of Object.entries(ints))
    w.bytes(NODE.attribute, new WireWriter().bytes(ATTR.name, k).varint(ATTR.i, v).varint(ATTR.type, ATTR_TYPE.int));
  return w.finish();
}

/** The model with `edit` applied. */
export function applyEdit(graph: OnnxGraph, edit: GraphEdit): Uint8Array {
  const p = graph as Parsed;
  const buf = p.bytes;
  const g = new WireWriter();
  p.graphFields.forEach((f, index) => {
    const replaced = edit.nodes.get(index);
    if (replaced) {
      for (const n of replaced) g.bytes(GRAPH.node, n);
      return;
    }
    if (f.type === WireType.Len && (f.field === GRAPH.initializer || f.field === GRAPH.valueInfo)) {
      const nameField = f.field === GRAPH.initializer ? TENSOR.name : VALUE_INFO.name;
      const name = strings(buf, readFields(buf, f.valueStart, f.valueEnd), nameField)[0] ?? '';
      if (f.field === GRAPH.valueInfo && edit.dropValueInfo.has(name)) return;
      const t = f.field === GRAPH.initializer ? edit.initializers.get(name) : undefined;
      if (t) {
        g.bytes(GRAPH.initializer, t);
        return;
      }
    }
    g.raw(buf.subarray(f.start, f.end));
  });
  for (const t of edit.added) g.bytes(GRAPH.initializer, t);
  const model = new WireWriter();
  for (const f of p.top) {
    if (f === p.graphField) model.bytes(MODEL.graph, g);
    else model.raw(buf.subarray(f.start, f.end));
  }
  return model.finish();
}
