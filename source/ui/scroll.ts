/** Move a scroll offset one line, within 0…max. */
export type ScrollAction = {type: 'forward'; max: number} | {type: 'back'} | {type: 'reset'};

export function scrollReducer(offset: number, action: ScrollAction): number {
	switch (action.type) {
		case 'forward': {
			return Math.min(Math.max(0, action.max), offset + 1);
		}

		case 'back': {
			return Math.max(0, offset - 1);
		}

		case 'reset': {
			return 0;
		}
	}
}
