// The console's backend across a change of site: kiosk start turns a hospital into an airport
// (and back) by stopping one simulated site and starting the other; the console keeps its
// page connections and listeners, moved to the new site's backend.
import type { ConsoleBackend, ConsoleListener } from './server.js';

export function switchableBackend(first: ConsoleBackend, swap: (kind: 'hospital' | 'airport') => Promise<ConsoleBackend>): ConsoleBackend {
  let current = first;
  const listeners = new Map<ConsoleListener, () => void>();
  return {
    get site() {
      return current.site;
    },
    citizens: () => current.citizens(),
    scenarios: () => current.scenarios(),
    clinics: () => current.clinics(),
    apply: (action) => current.apply(action),
    run: (scenario, progress) => current.run(scenario, progress),
    parseScenario: (text) => current.parseScenario(text),
    toYaml: (scenario) => current.toYaml(scenario),
    snapshot: () => current.snapshot(),
    subscribe(l) {
      listeners.set(l, current.subscribe(l));
      return () => {
        listeners.get(l)?.();
        listeners.delete(l);
      };
    },
    async switchSite(kind) {
      for (const off of listeners.values()) off();
      try {
        current = await swap(kind);
      } finally {
        // Whatever runs now (the new site, or the old one started again) is the one listened to.
        for (const l of listeners.keys()) listeners.set(l, current.subscribe(l));
        for (const l of listeners.keys()) l.replaced?.();
      }
    },
  };
}
