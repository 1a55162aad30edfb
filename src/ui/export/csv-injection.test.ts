// CSV formula injection (OWASP): names from a shared suite that start a spreadsheet formula are
// written as text that shows the same characters, prefixed by a single quote; numbers stay numbers.
import { describe, expect, it } from 'vitest';
import { sampleRecord } from '../../state/runs/sample.node';
import { CSV_COLUMNS, csvField, runsCsv } from './tables';

/** RFC 4180 reader written for this test (quoted fields, doubled quotes, CRLF rows). */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  return rows;
}

const HOSTILE = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1:A9)', '\t=1', '\r=1'];

describe('CSV formula injection', () => {
  it('prefixes text starting with = + - @ tab or CR with a quote, inside quotes', () => {
    expect(csvField('=1+1')).toBe(`"'=1+1"`);
    expect(csvField('+x')).toBe(`"'+x"`);
    expect(csvField('-x')).toBe(`"'-x"`);
    expect(csvField('@x')).toBe(`"'@x"`);
    expect(csvField('\tx')).toBe(`"'\tx"`);
    expect(csvField('\rx')).toBe(`"'\rx"`);
    expect(csvField('=say "hi"')).toBe(`"'=say ""hi"""`);
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-0.5)).toBe('-0.5');
  });

  it('a suite, task and run named like formulas reads back as the same text after the quote', () => {
    const r = sampleRecord('r1', '2026-12-01T09:00:00.000Z', {
      label: HOSTILE[0], suite: HOSTILE[1],
      tasks: HOSTILE.map((task, i) => ({ task, images: 8, accuracy: -1 - i, normalized: 50, individual: 80, pretrained: 20 })),
    });
    const rows = readCsv(runsCsv([r]));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const col = (n: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(n);
    const body = rows.slice(1, 1 + HOSTILE.length);
    expect(body.map((row) => row[col('task')])).toEqual(HOSTILE.map((t) => `'${t}`));
    expect(body.every((row) => row[col('label')] === `'${HOSTILE[0]}` && row[col('suite')] === `'${HOSTILE[1]}`)).toBe(true);
    expect(body.map((row) => Number(row[col('accuracy')]))).toEqual([-1, -2, -3, -4, -5, -6]);
    // No text cell of the file starts a formula.
    for (const row of rows.slice(1)) for (const cell of row) if (Number.isNaN(Number(cell))) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
