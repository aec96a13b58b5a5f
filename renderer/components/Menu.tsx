import { useRef, type ReactNode } from 'react';

/** A menu of the toolbar: a button that opens a panel of controls, closed again by Escape. */
export function Menu({ label, children }: { label: string; children: ReactNode }) {
  const details = useRef<HTMLDetailsElement>(null);
  return (
    <details className="menu" ref={details} onKeyDown={(event) => {
      if (event.key === 'Escape' && details.current) details.current.open = false;
    }}>
      <summary>{label}</summary>
      <div className="menu-panel" role="group" aria-label={label}>{children}</div>
    </details>
  );
}
