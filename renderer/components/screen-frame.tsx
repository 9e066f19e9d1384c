// The root of every screen: its name for tests and styles, its heading (the prompt), which
// takes the focus when the screen appears so keyboard and screen-reader users start there.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  name: string;
  heading: string;
  /** Extra data-* attributes (result screens: outcome, face, reasons, ticket). */
  data?: Record<string, string>;
  icon?: ComponentChildren;
  children?: ComponentChildren;
}

export function ScreenFrame({ name, heading, data = {}, icon, children }: Props) {
  const title = useRef<HTMLHeadingElement>(null);
  // A new screen starts at its heading: the control that had the focus is gone or belongs elsewhere.
  useEffect(() => title.current?.focus(), []);
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) attrs[`data-${k}`] = v;
  return (
    <section class={`screen screen-${name}`} data-screen={name} aria-labelledby={`heading-${name}`} {...attrs}>
      {icon}
      <h2 id={`heading-${name}`} data-testid="prompt" tabIndex={-1} ref={title}>
        {heading}
      </h2>
      {children}
    </section>
  );
}
