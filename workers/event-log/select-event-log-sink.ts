/** Picks the event log sink for this environment: the `EVENT_LOG` R2 bucket. */
import type { EventLogSink } from "./event-log-sink";
import { createR2EventLogSink } from "./r2-event-log-sink";

/** The sink accepted events are written to. */
export function eventLogSinkFor(env: Env): EventLogSink {
  return createR2EventLogSink(env.EVENT_LOG);
}
