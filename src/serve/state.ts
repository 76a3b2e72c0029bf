// What every handler of a running `oellm serve` shares: the models offered and those loaded, the
// limits, the metrics registry, the API key. Not behaviour (server.ts, api.ts).
import type { ModelEngine } from './engine.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import type { ModelSet } from './models.js';

export interface ServerState {
  set: ModelSet;
  /** Loaded models by id; fills while the server starts (GET /health is 503 until all are in). */
  engines: Map<string, ModelEngine>;
  limits: Limits;
  metrics: Metrics;
  apiKey: string | null;
  /** Unix seconds. */
  started: number;
  loading: boolean;
}
