import React from 'react';
import {Box} from 'ink';
import type {Plan} from '../../runtime/control.js';
import {Lines} from '../line.js';
import type {Theme} from '../theme.js';
import {confirmLines} from './confirm-lines.js';

export interface ConfirmDialogProps {
	plan: Plan;
	height: number;
	width: number;
	theme: Theme;
}

/** k9s' delete dialog: the exact targets, then an explicit yes; the default is No. */
export function ConfirmDialog({plan, height, width, theme}: ConfirmDialogProps) {
	return (
		<Box flexDirection="column" width={width}>
			<Lines lines={confirmLines(plan, height, width, theme).slice(0, height)} width={width} theme={theme}/>
		</Box>
	);
}
