/**
 * An approximate central 95 % interval of a Beta(α, β) posterior (normal approximation, clamped to
 * [0, 1]): enough to show how sure a bandit arm is; the bandit itself samples the exact Beta.
 */
export function betaInterval(alpha: number, beta: number): { low: number; high: number } {
  const total = alpha + beta;
  const mean = alpha / total;
  const sd = Math.sqrt((alpha * beta) / (total * total * (total + 1)));
  return { low: Math.max(0, mean - 1.96 * sd), high: Math.min(1, mean + 1.96 * sd) };
}
