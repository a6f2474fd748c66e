/**
 * Word lists behind the synthetic demo catalogue: genres with their share of the catalogue,
 * title words and user demographics. Changing any list changes every generated dataset.
 */

/** Genres of the demo catalogue with their relative frequency. */
export const DEMO_GENRES = [
  { name: "Drama", weight: 18 },
  { name: "Comedy", weight: 15 },
  { name: "Action", weight: 12 },
  { name: "Thriller", weight: 9 },
  { name: "Romance", weight: 7 },
  { name: "Crime", weight: 6 },
  { name: "Adventure", weight: 6 },
  { name: "Sci-Fi", weight: 5 },
  { name: "Horror", weight: 5 },
  { name: "Documentary", weight: 4 },
  { name: "Animation", weight: 4 },
  { name: "Family", weight: 3 },
  { name: "Fantasy", weight: 3 },
  { name: "Mystery", weight: 3 },
  { name: "History", weight: 2 },
  { name: "Music", weight: 1.5 },
  { name: "War", weight: 1.5 },
  { name: "Western", weight: 1 },
] as const;

/** Adjectives used in titles ("The Silent Harbor"). */
export const TITLE_ADJECTIVES = [
  "Silent",
  "Broken",
  "Golden",
  "Hidden",
  "Last",
  "Lost",
  "Crimson",
  "Midnight",
  "Frozen",
  "Burning",
  "Endless",
  "Forgotten",
  "Wild",
  "Electric",
  "Hollow",
  "Distant",
  "Iron",
  "Secret",
  "Scarlet",
  "Quiet",
  "Restless",
  "Velvet",
  "Savage",
  "Northern",
  "Bitter",
  "Brave",
  "Shattered",
  "Fading",
  "Rising",
  "Dark",
] as const;

/** Nouns used in titles. */
export const TITLE_NOUNS = [
  "Harbor",
  "Kingdom",
  "River",
  "Signal",
  "Garden",
  "Empire",
  "Frontier",
  "Horizon",
  "Witness",
  "Storm",
  "Letter",
  "Mirror",
  "Promise",
  "Station",
  "Island",
  "Code",
  "Circle",
  "Shadow",
  "Voyage",
  "Summer",
  "Orchard",
  "Engine",
  "Crown",
  "Valley",
  "Echo",
  "Lantern",
  "Tide",
  "Machine",
  "Heart",
  "Road",
  "Compass",
  "Citadel",
  "Archive",
  "Winter",
  "Canyon",
  "Ember",
  "Paradox",
  "Highway",
  "Colony",
  "Verdict",
] as const;

/** Place names used in titles ("Return to Avalon"). */
export const TITLE_PLACES = [
  "Avalon",
  "Brooklyn",
  "Marrakesh",
  "the North",
  "Saturn",
  "Valparaiso",
  "Kyoto",
  "the Moon",
  "Paris",
  "Nowhere",
  "Eden",
  "the Deep",
  "Havana",
  "Berlin",
  "Atlantis",
  "the Delta",
] as const;

/** First names used in titles ("Clara's Promise"). */
export const TITLE_NAMES = [
  "Clara",
  "Jonah",
  "Mira",
  "Elias",
  "Nadia",
  "Oscar",
  "Ruby",
  "Tomas",
  "Ines",
  "Felix",
  "Hana",
  "Leo",
  "Amara",
  "Viktor",
  "Sofia",
  "Dante",
] as const;

/** Age buckets with their share of users and the genres each leans towards. */
export const DEMO_AGE_BUCKETS = [
  { name: "18-24", weight: 18, leans: ["Horror", "Animation", "Sci-Fi", "Action"] },
  { name: "25-34", weight: 26, leans: ["Action", "Comedy", "Thriller", "Sci-Fi"] },
  { name: "35-44", weight: 22, leans: ["Family", "Animation", "Crime", "Comedy"] },
  { name: "45-54", weight: 16, leans: ["Drama", "Crime", "Mystery", "Documentary"] },
  { name: "55-64", weight: 11, leans: ["Drama", "History", "Documentary", "War"] },
  { name: "65+", weight: 7, leans: ["History", "Western", "War", "Drama"] },
] as const;

/** Self-reported genders with their share of users. */
export const DEMO_GENDERS = [
  { name: "female", weight: 48 },
  { name: "male", weight: 48 },
  { name: "nonbinary", weight: 2 },
  { name: "unspecified", weight: 2 },
] as const;

/** Countries (ISO 3166-1 alpha-2) with their share of users. */
export const DEMO_COUNTRIES = [
  { name: "US", weight: 30 },
  { name: "GB", weight: 9 },
  { name: "DE", weight: 8 },
  { name: "BR", weight: 8 },
  { name: "IN", weight: 8 },
  { name: "FR", weight: 6 },
  { name: "CA", weight: 5 },
  { name: "MX", weight: 5 },
  { name: "JP", weight: 4 },
  { name: "ES", weight: 4 },
  { name: "AU", weight: 3 },
  { name: "IT", weight: 3 },
  { name: "NL", weight: 2 },
  { name: "KR", weight: 2 },
  { name: "SE", weight: 2 },
  { name: "PL", weight: 1 },
] as const;

/** Devices with their share as a user's preferred device. */
export const DEMO_DEVICES = [
  { name: "mobile", weight: 45 },
  { name: "tv", weight: 30 },
  { name: "web", weight: 18 },
  { name: "tablet", weight: 7 },
] as const;
