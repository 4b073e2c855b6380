import { idCursor } from '../shared/id-cursor.ts';

// The tag is part of every cursor already handed out: changing it invalidates them.
export const PRODUCT_CURSOR = idCursor('p1.');
