// Owns mlserve's own version string (kept in step with package.json by a test).

/** mlserve's version. */
export const VERSION = '0.1.0';
