/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h } from 'preact';

/**
 * Stroke icons as path data only: no innerHTML, so hosts with Trusted Types are fine. Each
 * module keeps the paths it draws (the on-demand parts theirs, in on-demand-icons.ts).
 */
export const ICONS = {
  sun: 'M8 12a4 4 0 1 0 8 0a4 4 0 1 0-8 0M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M6.3 17.7l-1.4 1.4M19.1 4.9l-1.4 1.4',
  moon: 'M12 3a6 6 0 0 0 9 9 9 9 0 1 1-9-9Z',
  auto: 'M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2ZM8 21h8M12 17v4',
  reload: 'M3 12a9 9 0 0 1 15.7-6L21 8M21 3v5h-5M21 12a9 9 0 0 1-15.7 6L3 16M8 16H3v5',
  listen: 'M11 5 6 9H2v6h4l5 4ZM15.5 8.5a5 5 0 0 1 0 7M19 5a10 10 0 0 1 0 14',
  stop: 'M6 6h12v12H6Z',
};

/** `flip`: an icon that points somewhere, mirrored right to left. */
export function Icon({ path, flip }: { path: string; flip?: boolean }) {
  return (
    <svg class={flip ? 'icon flip' : 'icon'} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={path} />
    </svg>
  );
}
