/** NATS subject matching: `*` is one token, a final `>` is one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const got = subject.split('.');
  for (let i = 0; i < want.length; i += 1) {
    if (want[i] === '>') return i === want.length - 1 && got.length > i;
    if (i >= got.length) return false;
    if (want[i] !== '*' && want[i] !== got[i]) return false;
  }
  return want.length === got.length;
}

/** The subject a consumer's dead letters go to. */
export function deadLetterSubject(prefix: string, consumer: string): string {
  return `${prefix}ordersvc.deadletter.${consumer}`;
}
