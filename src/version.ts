/** Kept equal to package.json's version by a test; used to warn when two copies of the element meet. */
export const VERSION = '0.1.0';
