import { useEffect, useLayoutEffect, useState } from 'preact/hooks';

/** `Date.now()`, refreshed every second while `active`: for countdowns and elapsed time. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** Whether the visitor's system asks for dark colours; follows changes while the page is open. */
export function usePrefersDark(): boolean {
  const [query] = useState(() => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined));
  const [dark, setDark] = useState(query?.matches ?? false);
  // Subscribed as the element renders, so no change between render and subscription is missed.
  useLayoutEffect(() => {
    if (!query) return;
    const update = () => setDark(query.matches);
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return dark;
}
