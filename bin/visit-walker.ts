// The hospital visit's screens (insurance, clinic, confirmation) walked as a patient would,
// for `kiosk demo`, the benchmarks and the engine tests, which have no one at the screen:
// on from the insurance screen (as a fee-paying patient when not covered), the first clinic
// when nothing is booked, then confirm.
import type { Kiosk } from '../main/core/kiosk.js';

export function walkVisits(kiosk: Pick<Kiosk, 'runner' | 'reference'>, enabled: () => boolean = () => true): void {
  kiosk.runner.on('state', (st) => {
    if (!enabled()) return;
    queueMicrotask(() => {
      if (kiosk.runner.current !== st) return;
      const config = kiosk.reference.siteConfig;
      if (st.screen === 'insurance' && st.ctx.patient)
        kiosk.runner.dispatch({ type: 'continue', feePaying: st.ctx.patient.insurance.status !== 'covered' });
      else if (st.screen === 'clinic' && config.kind === 'hospital')
        kiosk.runner.dispatch({ type: 'choose-clinic', clinic: config.clinics[0]!.id });
      else if (st.screen === 'confirm') kiosk.runner.dispatch({ type: 'confirm' });
    });
  });
}
