import { idCursor } from '../shared/id-cursor.ts';

// The tags are part of every cursor already handed out: changing one invalidates them.
export const ORDER_CURSOR = idCursor('o1.');
export const RECONCILE_CURSOR = idCursor('rc1.');
