/** The `generate` command: writes the deterministic demo dataset to a folder. */
import { resolve } from "node:path";
import { DEMO_GENERATOR_DEFAULTS, type DemoGeneratorOptions } from "../generate/demo-generator";
import { writeDemoDataset } from "../generate/write-demo-dataset";
import { ProgressLog, type LineWriter } from "./progress-log";

/** Options of {@link runGenerate}. */
export interface GenerateCommandOptions extends Partial<DemoGeneratorOptions> {
  /** Output folder. */
  out: string;
}

/** Generates the demo dataset into `options.out`. */
export async function runGenerate(options: GenerateCommandOptions, write?: LineWriter): Promise<void> {
  const log = new ProgressLog("generate", write);
  const { out, ...generator } = options;
  const settings = { ...DEMO_GENERATOR_DEFAULTS, ...generator };
  log.info(`items ${settings.items}, users ${settings.users}, ${settings.days} days, seed ${settings.seed}`);
  if (settings.positionBias) {
    const { eta, exploreShare, listLength } = settings.positionBias;
    log.info(
      `position bias: examination (1/(1+p))^${eta}, lists of ${listLength}, ${exploreShare * 100} % in random order; ground truth in ground-truth.json`,
    );
  }
  const descriptor = await log.step(
    `wrote ${resolve(out)}`,
    () => writeDemoDataset(out, generator),
    (d) => `${d.counts.items} items, ${d.counts.users} users, ${d.counts.events} events`,
  );
  log.info(`done in ${log.elapsed()} (dataset "${descriptor.name}")`);
}
