/**
 * The user and device inputs of the feature spec, normalised from the free-form strings users and
 * clients send (onboarding demographics, the event log's `context.device`, a request's `device`):
 * an age bucket becomes its midpoint in decades, gender and device map onto a small vocabulary.
 * What is missing or not recognised maps to "unknown" — all-zero columns — never to a guess.
 */

/** Device classes the spec has a column for. */
export const DEVICE_CLASSES = ["mobile", "tablet", "tv", "web"] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

const DEVICE_ALIASES: Readonly<Record<string, DeviceClass>> = {
  mobile: "mobile",
  phone: "mobile",
  smartphone: "mobile",
  ios: "mobile",
  android: "mobile",
  tablet: "tablet",
  ipad: "tablet",
  tv: "tv",
  ctv: "tv",
  "smart-tv": "tv",
  web: "web",
  desktop: "web",
  browser: "web",
  pc: "web",
};

/** `mobile`, `iOS`, `phone` → mobile; `desktop`, `browser` → web; … ; null when not recognised. */
export function deviceClass(device: string | undefined): DeviceClass | null {
  if (!device) return null;
  return DEVICE_ALIASES[device.trim().toLowerCase()] ?? null;
}

/** `F`, `female`, `woman` → female; `M`, `male`, `man` → male; anything else (or nothing) → null. */
export function genderClass(gender: string | undefined): "female" | "male" | null {
  const value = gender?.trim().toLowerCase();
  if (value === "f" || value === "female" || value === "woman") return "female";
  if (value === "m" || value === "male" || value === "man") return "male";
  return null;
}

/**
 * Age in decades from an age bucket (`25-34` → 3.0, i.e. 30 years, `<18` → 1.6, `65+` → 7) or a plain number of
 * years (`34` → 3.4); null when not recognised or outside 0–120 years.
 */
export function ageDecades(ageBucket: string | undefined): number | null {
  if (ageBucket === undefined) return null;
  let decades = AGE_DECADES.get(ageBucket);
  if (decades === undefined) {
    decades = parseAgeDecades(ageBucket);
    // Buckets are a handful of distinct strings; the bound only stops a stream of odd ones from growing it.
    if (AGE_DECADES.size < 1024) AGE_DECADES.set(ageBucket, decades);
  }
  return decades;
}

/** Parsed age buckets: a ranking request reads the same bucket once per candidate row. */
const AGE_DECADES = new Map<string, number | null>();

function parseAgeDecades(ageBucket: string | undefined): number | null {
  const value = ageBucket?.trim();
  if (!value) return null;
  const range = /^(\d{1,3})\s*-\s*(\d{1,3})$/.exec(value);
  const years = range
    ? (Number(range[1]) + Number(range[2]) + 1) / 2
    : /^<\s*(\d{1,3})$/.test(value)
      ? Number(value.replace(/[<\s]/g, "")) - 2
      : /^(\d{1,3})\s*\+$/.test(value)
        ? Number(value.replace(/[+\s]/g, "")) + 5
        : /^\d{1,3}$/.test(value)
          ? Number(value)
          : Number.NaN;
  return Number.isFinite(years) && years >= 0 && years <= 120 ? years / 10 : null;
}
