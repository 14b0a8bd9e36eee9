/** A CSS media query as a Preact hook value that follows the screen (rotation, resizing). */
import { useEffect, useState } from 'preact/hooks';

/** Phones: the width at and below which the annotation form and threads open as a bottom sheet. */
export const PHONE_QUERY = '(max-width: 600px)';

export function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(() => typeof matchMedia !== 'undefined' && matchMedia(query).matches);
  useEffect(() => {
    if (typeof matchMedia === 'undefined') return;
    const list = matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return matches;
}
