import type { CallRecord, MetricsRecord, ParamsRecord, TagsRecord } from '../journal/journal-records.js';

/** Calls that can travel together in one `runs/log-batch`. */
export type LogCall = ParamsRecord | TagsRecord | MetricsRecord;

/** Whether a call is a param, tag or metric call. */
export function isLogCall(call: CallRecord): call is LogCall {
  return call.t === 'params' || call.t === 'tags' || call.t === 'metrics';
}

/** How many params, tags and metrics a call carries. */
function itemCount(call: LogCall): number {
  if (call.t === 'metrics') return call.metrics.length;
  return Object.keys(call.t === 'params' ? call.params : call.tags).length;
}

/**
 * The calls to send next, from the head of the queue: a run start, end or artifact alone, or the
 * longest run of consecutive param/tag/metric calls of one run holding at most `maxItems` items
 * (the first call always goes, however large: the client splits it).
 *
 * @param pending - The calls not yet sent, in order.
 * @param maxItems - Most params, tags and metrics in one group; 1 sends the calls one by one.
 */
export function nextCallGroup(pending: readonly CallRecord[], maxItems: number): CallRecord[] {
  const [first] = pending;
  if (first === undefined) return [];
  if (!isLogCall(first) || maxItems <= 1) return [first];
  const group: LogCall[] = [first];
  let items = itemCount(first);
  for (const call of pending.slice(1)) {
    if (!isLogCall(call) || call.run !== first.run || items + itemCount(call) > maxItems) break;
    group.push(call);
    items += itemCount(call);
  }
  return group;
}

/**
 * Merges param, tag and metric calls of one run into one `log-batch` input, in call order (a tag
 * set twice keeps its last value).
 *
 * @param calls - Consecutive log calls of one run.
 */
export function mergeLogCalls(calls: readonly LogCall[]): {
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: MetricsRecord['metrics'];
} {
  const merged = { params: {} as Record<string, string>, tags: {} as Record<string, string>, metrics: [] as MetricsRecord['metrics'] };
  for (const call of calls) {
    if (call.t === 'params') Object.assign(merged.params, call.params);
    else if (call.t === 'tags') Object.assign(merged.tags, call.tags);
    else merged.metrics.push(...call.metrics);
  }
  return merged;
}
