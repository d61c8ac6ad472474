/** The default duplicate rules, as a program gets them (src/matching/settings.ts). */
export { DEFAULT_DUPLICATE_RULES } from '../src/matching/settings';
