export {AccountsTable, type AccountsTableProps} from './accounts-table.js';
export {filterAccounts, sortAccounts, tableLines} from './rows.js';
export {needsPin, resolveSelection, selectionReducer, useAccountsTableState, type SelectionState} from './use-accounts-table-state.js';
export {useAccountsTableKeys} from './use-accounts-table-keys.js';
