// The Electron fuses of the packaged app (electron-builder.yml, `electronFuses`), asserted on
// the configuration as electron-builder itself loads, validates and turns it into the fuse
// wire it writes into the binary (Electron cannot be downloaded here, so no app is packaged).
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What electron-builder does with `electronFuses` before signing (platformPackager.ts). */
async function fuseWire(): Promise<Record<string | number, unknown>> {
  const config = await getConfig(root, 'electron-builder.yml', null);
  await validateConfiguration(config, new DebugLogger(false));
  expect(config.electronFuses).toBeTruthy();
  const generate = (PlatformPackager.prototype as unknown as { generateFuseConfig(f: unknown): Promise<Record<string | number, unknown>> })
    .generateFuseConfig;
  return generate.call(null, config.electronFuses);
}

describe('Electron fuses of the packaged kiosk', () => {
  it('turns off every way to run the binary as something else than the kiosk app', async () => {
    const wire = await fuseWire();
    expect(wire['version']).toBe(FuseVersion.V1);
    expect(wire[FuseV1Options.RunAsNode]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(false);
  });

  it('sets every fuse this Electron has, none left to its default', async () => {
    const wire = await fuseWire();
    const fuses = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
    for (const f of fuses) expect(typeof wire[f], FuseV1Options[f]).toBe('boolean');
  });

  it('packs the app into an archive, as onlyLoadAppFromAsar needs', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    expect(config.asar).toBe(true);
  });
});
