export {FilterBar, filterLine, type FilterBarProps} from './filter-bar.js';
export {useFilterKeys} from './use-filter-keys.js';
