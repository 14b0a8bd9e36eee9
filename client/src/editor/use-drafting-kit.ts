/**
 * The drafting kit (client/src/editor/drafting.ts) for people who edit, fetched on first use as a
 * chunk of its own; readers never fetch it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DraftingKit } from './drafting';

let loading: Promise<DraftingKit> | null = null;

/** Starts (once) and returns the download of the drafting kit. */
export function loadDraftingKit(): Promise<DraftingKit> {
  loading ??= import('./drafting').then((module) => module.draftingKit);
  // A failed download (offline before it was ever cached) may be tried again later.
  loading.catch(() => (loading = null));
  return loading;
}

/**
 * `ready` is true when the editor can be built: at once for a reader, once the kit has arrived for
 * someone who edits. If the kit cannot be fetched, the draft opens read-only (`kit` stays null).
 */
export function useDraftingKit(canEdit: boolean): { ready: boolean; kit: DraftingKit | null } {
  const [state, setState] = useState<{ ready: boolean; kit: DraftingKit | null }>({ ready: !canEdit, kit: null });
  useEffect(() => {
    if (!canEdit) {
      setState({ ready: true, kit: null });
      return;
    }
    let cancelled = false;
    setState({ ready: false, kit: null });
    loadDraftingKit().then(
      (kit) => !cancelled && setState({ ready: true, kit }),
      () => !cancelled && setState({ ready: true, kit: null }),
    );
    return () => {
      cancelled = true;
    };
  }, [canEdit]);
  return state;
}
