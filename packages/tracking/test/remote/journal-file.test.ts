import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { foldJournal, pendingCalls, readJournal, runsLeftRunning, resolveJournalDir, type SessionRecord } from '@kdlab/tracking';
import { nextCallGroup, mergeLogCalls, type LogCall } from '../../src/remote/call-groups.js';
import { makeTempFolder, type TempFolder } from '../temp-store.js';

let temp: TempFolder;
beforeEach(async () => {
  temp = await makeTempFolder('kdlab-journal-');
});
afterEach(() => temp.remove());

const header: SessionRecord = { t: 'session', version: 1, sessionId: 's', pid: 1, host: 'h', trackingUri: 'http://x', startedAt: 0 };
const run = 'a'.repeat(32);

function writeJournal(file: string): JournalWriter {
  const writer = JournalWriter.create(file, header);
  writer.append({ t: 'start', seq: 1, run, at: 10, experimentName: 'e', runName: 'r', tags: {}, startTime: 10, userId: 'u' });
  writer.append({ t: 'metrics', seq: 2, run, at: 20, metrics: [{ key: 'loss', value: 'NaN', step: 0, timestamp: 20 }] });
  writer.append({ t: 'created', run, serverRunId: 'b'.repeat(32), experimentId: '1', artifactUri: 'mlflow-artifacts:/1/b/artifacts' });
  writer.append({ t: 'done', through: 1 });
  return writer;
}

describe('journal files', () => {
  it('are read back in order, with a torn last line ignored and the state folded', async () => {
    const file = join(temp.path, 'j', 'one.jsonl');
    await writeJournal(file).close();
    appendFileSync(file, '{"t":"end","seq":3,"run":"aaaa');
    const contents = await readJournal(file);
    expect(contents.tornTail).toBe(true);
    expect(contents.session).toEqual(header);
    const state = foldJournal(contents.records);
    expect(state.doneThrough).toBe(1);
    expect(pendingCalls(state).map((call) => call.seq)).toEqual([2]);
    expect(runsLeftRunning(state)).toEqual([run]);
    expect(state.created.get(run)!.serverRunId).toBe('b'.repeat(32));
    expect(state.lastActivity.get(run)).toBe(20);
  });

  it('reopen cuts a torn tail (or completes a whole last record) so that new lines start on their own line', async () => {
    const torn = join(temp.path, 'torn.jsonl');
    await writeJournal(torn).close();
    appendFileSync(torn, '{"t":"done","thr');
    const reopened = JournalWriter.reopen(torn);
    reopened.append({ t: 'done', through: 2 });
    await reopened.close();
    expect(foldJournal((await readJournal(torn)).records).doneThrough).toBe(2);

    const whole = join(temp.path, 'whole.jsonl');
    await writeJournal(whole).close();
    appendFileSync(whole, '{"t":"done","through":2}');
    const completed = JournalWriter.reopen(whole);
    completed.append({ t: 'rejected', seq: 2, error: 'no' });
    await completed.close();
    const records = (await readJournal(whole)).records;
    expect(records.slice(-2)).toEqual([{ t: 'done', through: 2 }, { t: 'rejected', seq: 2, error: 'no' }]);
    expect(readFileSync(whole, 'utf8').endsWith('\n')).toBe(true);
  });

  it('refuse a bad line in the middle or a missing header, naming the file and line', async () => {
    const file = join(temp.path, 'bad.jsonl');
    await writeJournal(file).close();
    appendFileSync(file, '{"t":"unknown"}\n{"t":"done","through":1}\n');
    await expect(readJournal(file)).rejects.toThrow(/bad\.jsonl, line 6: not a journal record: \{"t":"unknown"\}/);
    const headless = join(temp.path, 'headless.jsonl');
    appendFileSync(headless, '{"t":"done","through":1}\n');
    await expect(readJournal(headless)).rejects.toThrow(/headless\.jsonl: the first line is not a session header \(found a 'done' record\)/);
  });

  it('live in the folder given, else KDLAB_JOURNAL_DIR, else .kdlab/journal below the working folder', () => {
    expect(resolveJournalDir({ cwd: '/w', env: {} })).toBe('/w/.kdlab/journal');
    expect(resolveJournalDir({ cwd: '/w', env: { KDLAB_JOURNAL_DIR: 'j' } })).toBe('/w/j');
    expect(resolveJournalDir({ cwd: '/w', journalDir: '/abs', env: { KDLAB_JOURNAL_DIR: 'j' } })).toBe('/abs');
  });
});

describe('call groups', () => {
  const log = (seq: number, t: 'params' | 'tags' | 'metrics', runId = run, items = 1): LogCall =>
    t === 'metrics'
      ? { t, seq, run: runId, at: seq, metrics: Array.from({ length: items }, (_, step) => ({ key: 'm', value: seq, step, timestamp: seq })) }
      : t === 'params'
        ? { t, seq, run: runId, at: seq, params: { [`p${seq}`]: String(seq) } }
        : { t, seq, run: runId, at: seq, tags: { same: String(seq) } };

  it('merge consecutive log calls of one run up to the item limit, and nothing across runs, starts or ends', () => {
    const pending = [log(1, 'params'), log(2, 'metrics', run, 3), log(3, 'tags'), log(4, 'tags'), log(5, 'metrics', 'c'.repeat(32))];
    expect(nextCallGroup(pending, 100).map((call) => call.seq)).toEqual([1, 2, 3, 4]);
    expect(nextCallGroup(pending, 4).map((call) => call.seq)).toEqual([1, 2]);
    expect(nextCallGroup(pending, 1).map((call) => call.seq)).toEqual([1]);
    const end = { t: 'end' as const, seq: 1, run, at: 1, status: 'FINISHED' as const, endTime: 1, by: 'owner' as const };
    expect(nextCallGroup([end, log(2, 'metrics')], 100)).toEqual([end]);
    const merged = mergeLogCalls(pending.slice(0, 4) as LogCall[]);
    expect(merged.params).toEqual({ p1: '1' });
    expect(merged.tags).toEqual({ same: '4' });
    expect(merged.metrics).toHaveLength(3);
  });
});
