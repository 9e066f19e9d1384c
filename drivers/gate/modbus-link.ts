// Modbus TCP to the gate controller through modbus-serial, one connection kept open between
// requests and made again after any failure (a controller that was switched off is found
// again by the next request). Every failure is a ModbusLinkError with a kind.
import ModbusSerial from 'modbus-serial';

// The package is CommonJS typed as ESM: Node's default import is module.exports, whose
// `default` is the client class again; TypeScript (NodeNext) knows it only by that name.
const ModbusClient = ModbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusClient>;

export type LinkFailure = 'unreachable' | 'timeout' | 'exception';

export class ModbusLinkError extends Error {
  constructor(
    readonly kind: LinkFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ModbusLinkError';
  }
}

export type BitTable = 'coil' | 'discrete-input';

/** The seam between the gate service and Modbus; calls are serialized by the caller. */
export interface ModbusLink {
  /** For the state detail, e.g. "modbus-tcp 10.1.2.3:502 unit 1". */
  readonly name: string;
  readBits(table: BitTable, address: number, count: number): Promise<boolean[]>;
  writeCoil(address: number, value: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface ModbusTcpLinkOptions {
  host: string;
  port: number;
  unitId: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

const EXCEPTIONS: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  6: 'server device busy',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

export class ModbusTcpLink implements ModbusLink {
  readonly name: string;
  private client: ModbusClient | null = null;

  constructor(private readonly options: ModbusTcpLinkOptions) {
    this.name = `modbus-tcp ${options.host}:${options.port} unit ${options.unitId}`;
  }

  readBits(table: BitTable, address: number, count: number): Promise<boolean[]> {
    return this.call(`read ${table} ${address}`, async (c) => {
      const r = table === 'coil' ? await c.readCoils(address, count) : await c.readDiscreteInputs(address, count);
      // The reply carries whole bytes; only the bits asked for count.
      return r.data.slice(0, count).map(Boolean);
    });
  }

  writeCoil(address: number, value: boolean): Promise<void> {
    return this.call(`write coil ${address}`, async (c) => {
      await c.writeCoil(address, value);
    });
  }

  async close(): Promise<void> {
    this.drop();
  }

  private drop(): void {
    const c = this.client;
    this.client = null;
    // destroy(), not close(): close waits for a callback that never comes on a dead socket.
    if (c) c.destroy(() => {});
  }

  private async connected(): Promise<ModbusClient> {
    if (this.client?.isOpen) return this.client;
    this.drop();
    const { host, port, connectTimeoutMs } = this.options;
    const client = new ModbusClient();
    // The library re-emits socket errors; unheard, one would end the process. The request in
    // flight fails on its own, and the next one connects again.
    client.on('error', () => {});
    client.on('close', () => {
      if (this.client === client) this.client = null;
    });
    try {
      await deadline(client.connectTCP(host, { port }), connectTimeoutMs, () => `no connection within ${connectTimeoutMs} ms`);
    } catch (err) {
      client.destroy(() => {});
      throw new ModbusLinkError('unreachable', `${this.name}: ${(err as Error).message}`);
    }
    client.setID(this.options.unitId);
    client.setTimeout(this.options.requestTimeoutMs);
    this.client = client;
    return client;
  }

  private async call<T>(what: string, work: (c: ModbusClient) => Promise<T>): Promise<T> {
    const client = await this.connected();
    const ms = this.options.requestTimeoutMs;
    try {
      // Our own deadline too: the library does not fail a request whose socket closed under it.
      return await deadline(work(client), ms + 100, () => `no reply within ${ms} ms`);
    } catch (err) {
      const e = err as { modbusCode?: number; errno?: string; name?: string; message?: string };
      if (typeof e.modbusCode === 'number') {
        // The controller answered: the connection is fine, the request is not.
        const meaning = EXCEPTIONS[e.modbusCode] ?? 'unknown exception';
        throw new ModbusLinkError('exception', `${this.name}: ${what}: exception ${e.modbusCode} (${meaning})`);
      }
      // A reply that comes late would answer the next request: start on a fresh connection.
      this.drop();
      const timedOut = e instanceof DeadlineError || e.errno === 'ETIMEDOUT' || e.name === 'TransactionTimedOutError';
      throw new ModbusLinkError(timedOut ? 'timeout' : 'unreachable', `${this.name}: ${what}: ${e.message ?? String(err)}`);
    }
  }
}

class DeadlineError extends Error {}

function deadline<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineError(message())), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
