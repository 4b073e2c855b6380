/** JSON for cached entities whose `createdAt`/`updatedAt` are Dates. */
export function serializeEntity(value: object): string {
  return JSON.stringify(value);
}

export function deserializeEntity<T extends { createdAt: Date; updatedAt: Date }>(text: string): T {
  const raw = JSON.parse(text) as Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };
  return { ...raw, createdAt: new Date(raw.createdAt), updatedAt: new Date(raw.updatedAt) } as T;
}
