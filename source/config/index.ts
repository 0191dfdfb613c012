export {ConfigError, type ConfigIssue} from './errors.js';
export {configFileName, loadConfig, parseConfig, type LoadConfigOptions} from './load.js';
export {defaultConfig, isConfigured} from './resolve.js';
export {isSecretKey, redact, redactArgv, redactCommandLine, redactUrl, redacted} from '../text/redact.js';
export {configJsonSchema} from './json-schema.js';
export {describeConfig} from './describe.js';
export {namePattern, numberLimits, signalNames, watcherLockName, type NumberLimit} from './schema.js';
export type * from './types.js';
