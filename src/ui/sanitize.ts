// The one sanitizer lives in core/ so that bus/ (the plain `tail` output) and cli/ use the
// same code as the UI; ui/ re-exports it under its conventional name.
export { sanitize, type SanitizeOptions } from '../core/sanitize.js';
