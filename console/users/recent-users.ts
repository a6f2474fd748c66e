/** Users opened in this tab, newest first, offered in the user picker (sessionStorage, like the key). */

const STORAGE_KEY = "edge-recs.console.recent-users";
const MAX_RECENT = 20;

/** The recently opened user ids. */
export function recentUsers(): string[] {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "[]");
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/** Puts `userId` first in the recent list. */
export function rememberUser(userId: string): void {
  const next = [userId, ...recentUsers().filter((id) => id !== userId)].slice(0, MAX_RECENT);
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
}
