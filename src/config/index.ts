export * from './schema.js';
export * from './errors.js';
export { loadSiteConfig, parseSiteConfig, parseSiteConfigText, siteConfigJsonSchema } from './load.js';
