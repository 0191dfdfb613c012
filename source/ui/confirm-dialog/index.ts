export {ConfirmDialog, type ConfirmDialogProps} from './confirm-dialog.js';
export {confirmLines} from './confirm-lines.js';
export {useConfirmDialogKeys} from './use-confirm-dialog-keys.js';
