import { describe, expect, it } from 'vitest';
import { DEFAULT_SCANNER_CONFIG, entryFor, layoutOf, parseScannerConfig, ScannerConfigError } from '../config.js';
import type { HidDeviceInfo } from '../device.js';

const device = (over: Partial<HidDeviceInfo>): HidDeviceInfo => ({
  path: '/dev/hidraw0',
  vendorId: 0x0c2e,
  productId: 0x0b61,
  usagePage: 0x8c,
  usage: 2,
  product: 'scanner',
  serialNumber: '',
  transport: 'hidraw',
  ...over,
});

describe('scanner configuration', () => {
  it('matches by usage page by default, and never an ordinary keyboard', () => {
    expect(entryFor(device({}), DEFAULT_SCANNER_CONFIG)).not.toBeNull();
    expect(entryFor(device({ usagePage: 0x01, usage: 0x06 }), DEFAULT_SCANNER_CONFIG)).toBeNull();
  });

  it('matches by vendor and product id, hex strings accepted, first entry wins', () => {
    const c = parseScannerConfig({
      scanners: [
        { vendorId: '0x05E0', productId: '0x1200', mode: 'keyboard', terminator: 'tab' },
        { usagePage: 140, mode: 'hid-pos', layout: { dataCapacity: 50 } },
      ],
    });
    expect(entryFor(device({ vendorId: 0x05e0, productId: 0x1200, usagePage: 1 }), c)).toMatchObject({
      mode: 'keyboard',
      terminator: 'tab',
    });
    expect(layoutOf(entryFor(device({}), c)!)).toMatchObject({ dataCapacity: 50, size: 64 });
  });

  it.each([
    [{ scanners: [{ mode: 'hid-pos' }] }, /vendorId\/productId or usagePage/],
    [{ scanners: [{ usagePage: 1, mode: 'keyboard' }] }, /needs vendorId and productId/],
    [{ scanners: [{ usagePage: 0x8c, mode: 'hid-pos', layout: { dataCapacity: 70 } }] }, /layout.*(overlap|fit)/],
    [{ scanners: [{ usagePage: 0x8c, mode: 'laser' }] }, /mode/],
    [{ scanners: [{ usagePage: 0x8c, mode: 'hid-pos', extra: 1 }] }, /extra|Unrecognized/i],
    [{ scanners: [{ vendorId: '12', productId: 1, mode: 'hid-pos' }] }, /hex string/],
    ['nonsense', /expected object/i],
  ])('refuses %j with a clear message', (value, message) => {
    expect(() => parseScannerConfig(value)).toThrow(ScannerConfigError);
    expect(() => parseScannerConfig(value)).toThrow(message);
  });
});
