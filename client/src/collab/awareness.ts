/** Presence: a stable colour per member for carets, and the names of who is connected. */
import type { Awareness } from 'y-protocols/awareness';

const PALETTE = ['#b3261e', '#1f6feb', '#0f7b3f', '#8a4baf', '#b25e00', '#00737a', '#a4235b', '#4d5d00'];

export function colorFor(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}

export interface Present {
  clientId: number;
  name: string;
  color: string;
}

export function presentUsers(awareness: Awareness): Present[] {
  const users: Present[] = [];
  awareness.getStates().forEach((state, clientId) => {
    const user = (state as { user?: { name?: string; color?: string } }).user;
    if (user?.name) users.push({ clientId, name: user.name, color: user.color ?? '#555' });
  });
  return users;
}
