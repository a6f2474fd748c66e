/** Values the workerd test project's global setup provides to tests (`inject(...)`). */
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the live ranking sidecar started by live-sidecar-setup.ts. */
    rankerUrl: string;
    /** The model that sidecar serves (workerd tests cannot import the Node-only fixture). */
    rankerModel: LinearRankerModel;
  }
}
