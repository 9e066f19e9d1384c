// The face check: the live camera view with its oval, and one instruction at a time.
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { CheckinView } from '../../main/api/contract.js';
import { Actions, CancelButton } from '../components/actions.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { codeText } from '../i18n.js';
import { useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

/** Shows the camera's one view element here, and gives it back to its holder when the screen goes. */
function CameraView() {
  const { camera, t } = useUi();
  const slot = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const view = camera?.view;
    if (!view || !slot.current) return;
    view.setAttribute('aria-label', t.cameraLabel);
    view.setAttribute('role', 'img');
    slot.current.append(view);
    // Out of sight but still in the document, so the video keeps playing for the next person.
    return () => document.getElementById('camera-holder')?.append(view);
  }, [camera, t]);
  return <div class="camera-slot" ref={slot} />;
}

export function FaceScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  return (
    <ScreenFrame name="face" heading={promptText(view, t)}>
      <CameraView />
      <p class="guidance" data-testid="guidance">
        {view.guidance ? codeText(t, view.guidance) : t.faceHint}
      </p>
      <Notice code={view.notice} />
      <Actions>
        <CancelButton />
      </Actions>
    </ScreenFrame>
  );
}
