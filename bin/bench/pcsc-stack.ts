// The one private pcscd of a `kiosk bench` process, shared by the benchmarks that need one:
// libpcsclite takes its socket name from PCSCLITE_CSOCK_NAME once per process, so a second
// pcscd started later in the same process could not be reached. Stopped at exit.
import { freePortPair, missingPcscStack, startPrivatePcscd, type PrivatePcscd } from '../../simulator/pcscd.js';

let shared: Promise<{ pcscd: PrivatePcscd; port: number }> | null = null;

/** The process's private pcscd (started on first use); `port` is the first vpcd slot's. */
export function benchPcscd(): Promise<{ pcscd: PrivatePcscd; port: number }> {
  shared ??= (async () => {
    const missing = missingPcscStack();
    if (missing) throw new Error(missing);
    const pcscd = await startPrivatePcscd(await freePortPair());
    process.once('exit', () => void pcscd.stop());
    process.env['PCSCLITE_CSOCK_NAME'] = pcscd.socket;
    return { pcscd, port: pcscd.ports[0] };
  })();
  return shared;
}
