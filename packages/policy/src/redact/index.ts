export { REDACTED, redactText } from './redact-text.js';
