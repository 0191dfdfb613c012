import React from 'react';
import {Box} from 'ink';
import type {AccountView} from '../../runtime/snapshot.js';
import {Lines} from '../line.js';
import type {Theme} from '../theme.js';
import {tableLines} from './rows.js';

export interface AccountsTableProps {
	/** Rows in display order (already sorted and filtered). */
	accounts: AccountView[];
	selectedId: string | null;
	height: number;
	width: number;
	focused: boolean;
	empty: string;
	theme: Theme;
}

/** One row per account: brain, watchdog, duplicates, locks, health, drift, level. */
export function AccountsTable(props: AccountsTableProps) {
	return (
		<Box flexDirection="column" width={props.width}>
			<Lines lines={tableLines(props)} width={props.width} theme={props.theme}/>
		</Box>
	);
}
