import { LOG_BATCH_LIMITS, type LogBatchLimits } from './log-batch-limits.js';
import type { LogBatchChunk } from './wire-entities.js';

/**
 * Splits a batch into requests within MLflow's limits. Params go first, and no tag or metric is sent until the last
 * param is in a request, so a param conflict (400, "Changing param values is not allowed") is reported before any tag
 * or metric of the call is stored. Then tags, then metrics, each in its given order. Items are never altered or
 * repeated: every param, tag and metric is in exactly one request.
 */
export function splitLogBatch(batch: LogBatchChunk, limits: LogBatchLimits = LOG_BATCH_LIMITS): LogBatchChunk[] {
  const chunks: LogBatchChunk[] = [];
  let paramIndex = 0;
  let tagIndex = 0;
  let metricIndex = 0;
  do {
    let room = limits.total;
    const paramCount = Math.min(limits.params, room, batch.params.length - paramIndex);
    room -= paramCount;
    if (paramIndex + paramCount < batch.params.length) room = 0;
    const tagCount = Math.min(limits.tags, room, batch.tags.length - tagIndex);
    room -= tagCount;
    const metricCount = Math.min(limits.metrics, room, batch.metrics.length - metricIndex);
    chunks.push({
      params: batch.params.slice(paramIndex, paramIndex + paramCount),
      tags: batch.tags.slice(tagIndex, tagIndex + tagCount),
      metrics: batch.metrics.slice(metricIndex, metricIndex + metricCount),
    });
    paramIndex += paramCount;
    tagIndex += tagCount;
    metricIndex += metricCount;
  } while (paramIndex < batch.params.length || tagIndex < batch.tags.length || metricIndex < batch.metrics.length);
  return chunks;
}
