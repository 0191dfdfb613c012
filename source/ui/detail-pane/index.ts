export {DetailPane, detailBodyLength, type DetailPaneProps} from './detail-pane.js';
export {detailLines} from './detail-lines.js';
export {detailOffset, detailScrollReducer, useDetailPaneState} from './use-detail-pane-state.js';
export {useDetailPaneKeys} from './use-detail-pane-keys.js';
