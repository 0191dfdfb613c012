export {hasServicesRow, ServicesRow, servicesLine, strayLocks, type ServicesRowProps} from './services-row.js';
