/** Where the e2e servers listen (see playwright.config.ts). */
export const ISOLATED_URL = 'http://127.0.0.1:4173';
export const PLAIN_URL = 'http://127.0.0.1:4174';
