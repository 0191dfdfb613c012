export {ServicesRow, servicesLine, type ServicesRowProps} from './services-row.js';
