import React from 'react';
import {Box} from 'ink';
import {Lines} from '../line.js';
import {progressLines, type ProgressInput} from './progress-lines.js';

/** Shown while an action runs; its results then go to the events strip. */
export function ProgressView(props: ProgressInput) {
	return (
		<Box flexDirection="column" width={props.width}>
			<Lines lines={progressLines(props)} width={props.width} theme={props.theme}/>
		</Box>
	);
}
