import { readFile } from 'node:fs/promises';
import { journalRecordSchema, type JournalRecord, type SessionRecord } from './journal-records.js';

/** A journal as read from disk. */
export interface JournalContents {
  /** The journal file. */
  file: string;
  /** Its header. */
  session: SessionRecord;
  /** Every complete record after the header, in order. */
  records: JournalRecord[];
  /** True when the last line was torn (a process killed mid-write) and was ignored. */
  tornTail: boolean;
}

/**
 * Reads a journal. A last line that is incomplete (the process died while writing it) is ignored;
 * any other bad line is an error naming the file and line.
 *
 * @param file - The journal file.
 * @throws Error naming the file and line of a malformed record, or a missing header.
 */
export async function readJournal(file: string): Promise<JournalContents> {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  const records: JournalRecord[] = [];
  let tornTail = false;
  for (const [index, line] of lines.entries()) {
    const isLast = index === lines.length - 1;
    const parsed = parseJournalLine(line);
    if (parsed === undefined) {
      if (isLast) {
        tornTail = true;
        break;
      }
      throw new Error(`Journal ${file}, line ${index + 1}: not a journal record: ${line.slice(0, 120)}`);
    }
    records.push(parsed);
  }
  const [first, ...rest] = records;
  if (first === undefined || first.t !== 'session') {
    throw new Error(`Journal ${file}: the first line is not a session header${first ? ` (found a '${first.t}' record)` : ' (the file is empty)'}.`);
  }
  return { file, session: first, records: rest, tornTail };
}

/**
 * Parses one journal line; `undefined` when it is not valid JSON or not a known record.
 *
 * @param line - The line, without its newline.
 */
export function parseJournalLine(line: string): JournalRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const result = journalRecordSchema.safeParse(json);
  return result.success ? result.data : undefined;
}
