/**
 * The Worker's serving configuration: the `SERVING_CONFIG` var (JSON) parsed against the schema in
 * shared/serving/serving-config.ts, once per isolate and var value. An invalid config is a
 * start-up error (ServingConfigError), never a silent default.
 */
import { parseServingConfig, type ServingConfig, ServingConfigError } from "../../shared/serving/serving-config";

/** Parses the `SERVING_CONFIG` var text (empty or unset = defaults). */
export function servingConfigFromVar(text: string | undefined): ServingConfig {
  if (!text?.trim()) return parseServingConfig(undefined);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ServingConfigError(["SERVING_CONFIG is not valid JSON"]);
  }
  return parseServingConfig(raw);
}

let cached: { text: string | undefined; config: ServingConfig } | undefined;

/** This isolate's serving config, parsed once per `SERVING_CONFIG` value (throws ServingConfigError). */
export function servingConfigFor(env: { SERVING_CONFIG?: string }): ServingConfig {
  if (!cached || cached.text !== env.SERVING_CONFIG)
    cached = { text: env.SERVING_CONFIG, config: servingConfigFromVar(env.SERVING_CONFIG) };
  return cached.config;
}
