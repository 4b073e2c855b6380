import { describe, expect, it } from 'vitest';
import { parseWalkthrough } from './readme-walkthrough.ts';
import { outputMatches, prepareActual } from './walkthrough-output.ts';

const FENCE = '```';

describe('parseWalkthrough', () => {
  it('reads commands with their continuations and outputs, and marks skipped blocks', () => {
    const markdown = [
      'Text',
      `${FENCE}console`,
      '$ curl -s a \\',
      '    --json x',
      '{"ok":true}',
      '$ for i in 1 2; do',
      '    echo $i',
      '  done',
      '1',
      '2',
      FENCE,
      '<!-- walkthrough: skip -->',
      '',
      `${FENCE}console`,
      '$ npm start',
      FENCE,
      `${FENCE}sh`,
      'echo not a console block',
      FENCE,
    ].join('\n');

    const blocks = parseWalkthrough(markdown);

    expect(blocks).toEqual([
      {
        line: 2,
        skip: false,
        commands: [
          { line: 3, command: 'curl -s a \\\n    --json x', expected: '{"ok":true}' },
          { line: 6, command: 'for i in 1 2; do\n    echo $i\n  done', expected: '1\n2' },
        ],
      },
      { line: 14, skip: true, commands: [{ line: 15, command: 'npm start', expected: '' }] },
    ]);
  });
});

describe('outputMatches', () => {
  it('ignores what varies between runs and lets … stand for anything', () => {
    const expected = 'X-Request-Id: 69a29c7aa3975bc06fe3ea0a4b79c40f\n{"id":"01a212d8-2f2f-70e4-b4ec-90b71ed762f2","at":"2026-11-25T13:14:47.489Z",…}';
    const actual = 'X-Request-Id: d1379cbd4096408c8e2422565cb66d4e\n{"id":"01a23d0b-3298-7293-afbd-64de9990e65a","at":"2026-12-03T17:54:33.830Z","more":1}';
    expect(outputMatches(actual, expected)).toBe(true);
  });

  it('fails on a changed value', () => {
    expect(outputMatches('{"amount":1490}', '{"amount":1250}')).toBe(false);
    expect(outputMatches('401 401 429', '401 401 … 401 429')).toBe(false);
  });

  it('drops left-out headers unless the README shows them, and shows our port as the README does', () => {
    const actual = 'HTTP/1.1 200 OK\r\nDate: today\r\nX-Frame-Options: DENY\r\nX-Release-Channel: stable\r\n\r\n{"port":41234}';
    expect(prepareActual(actual, 'HTTP/1.1 200 OK\nX-Frame-Options: DENY', new Map([[41234, 8080]]))).toBe(
      'HTTP/1.1 200 OK\nX-Frame-Options: DENY\n\n{"port":8080}',
    );
  });
});
