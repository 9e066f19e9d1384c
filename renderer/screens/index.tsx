// The screen for the core's view: one component per screen of the contract.
import type { FunctionComponent } from 'preact';
import type { CheckinView, Screen } from '../../main/api/contract.js';
import { ClinicScreen } from './clinic.js';
import { ConfirmScreen } from './confirm.js';
import { DecidingScreen } from './deciding.js';
import { FaceScreen } from './face.js';
import { IdleScreen } from './idle.js';
import { InsuranceScreen } from './insurance.js';
import { NeedAccessScreen } from './need-access.js';
import { OutOfServiceScreen } from './out-of-service.js';
import { ReadingScreen } from './reading.js';
import { ResultScreen } from './result.js';
import { WaitingCardScreen } from './waiting-card.js';
import { WaitingPassScreen } from './waiting-pass.js';

export const screens: Record<Screen, FunctionComponent<{ view: CheckinView }>> = {
  idle: IdleScreen,
  'need-access': NeedAccessScreen,
  'waiting-card': WaitingCardScreen,
  'waiting-pass': WaitingPassScreen,
  reading: ReadingScreen,
  face: FaceScreen,
  insurance: InsuranceScreen,
  clinic: ClinicScreen,
  confirm: ConfirmScreen,
  deciding: DecidingScreen,
  result: ResultScreen,
  'out-of-service': OutOfServiceScreen,
};

export function CheckinScreen({ view }: { view: CheckinView }) {
  const Screen = screens[view.screen];
  // Keyed by screen: each screen starts fresh (its keypad empty, its heading focused).
  return <Screen key={view.screen} view={view} />;
}

export { StaffScreen } from './staff.js';
export { promptText } from './prompt.js';
